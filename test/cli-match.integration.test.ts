/**
 * `sway match` and `sway matches --export csv` as an admin runs them: child processes on a store
 * (a PGlite directory, or a schema on DATABASE_URL) holding two pulled contacts linked to people.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalsBatchSchema } from '../src/domain/signals.ts';
import { relink, upsertContacts } from '../src/store/crm-records.ts';
import { openStore } from '../src/store/db.ts';
import { saveInstallation } from '../src/store/installations.ts';
import { storeSignals } from '../src/store/signals.ts';
import { runSway, stopAllSway } from './helpers/cli.ts';
import { dropSchema, testConfig } from './helpers/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'sway-match-cli-'));
const id = randomBytes(6).toString('hex');
const pgUrl = process.env.DATABASE_URL;
const env: Record<string, string> = pgUrl ? { DATABASE_URL: pgUrl, DB_SCHEMA: `t_${id}` } : { PGLITE_DIR: join(dir, 'store') };
let inst: string;
const DAY = 86_400_000;

beforeAll(async () => {
  const store = await openStore(testConfig(null, env));
  try {
    ({ installation: { id: inst } } = await saveInstallation(store.db, randomBytes(32), 'hubspot', { accountId: `acc-${id}`, accountDomain: null, scopes: [] }, {
      accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000),
    }));
    await upsertContacts(store.db, inst, [
      { id: '101', email: 'dana@example.com', lifecycleStage: 'opportunity', modifiedAt: null },
      { id: '102', email: 'sam@example.com', lifecycleStage: 'customer', modifiedAt: null },
    ]);
    const ago = (d: number) => new Date(Date.now() - d * DAY).toISOString();
    const batch = SignalsBatchSchema.parse({
      people: [
        { id: 'dana', name: 'Dana', emails: ['dana@example.com'], audienceSize: 300 },
        { id: 'sam', name: 'Sam', emails: ['sam@example.com'], audienceSize: 900 },
      ],
      interactions: [1, 2, 3].map((d) => ({ externalId: `r${d}`, from: 'dana', to: 'sam', kind: 'reply', topics: ['crm'], occurredAt: ago(d) })),
    });
    await storeSignals(store.db, inst, batch);
    await relink(store.db, inst);
  } finally {
    await store.close(); // PGlite is single-process: the CLI opens it next
  }
});
afterAll(async () => {
  await stopAllSway(); // a CLI child of a test that gave up
  if (pgUrl) await dropSchema(pgUrl, env.DB_SCHEMA!);
  rmSync(dir, { recursive: true, force: true });
});

const sway = (args: string[]) => runSway(args, env);

describe('sway match / sway matches', () => {
  it('runs full when there is no snapshot yet, then incremental with nothing changed; --json ends with the figures', async () => {
    const first = await sway(['match', '--installation', inst, '--json', '--quiet']);
    expect(first.code, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
    expect(a).toMatchObject({ mode: 'full', people: 2, interactions: 3, prospects: 2, scored: 2 });
    expect(a.matchesWritten).toBeGreaterThanOrEqual(2);
    expect(a.peakRssMb).toBeGreaterThan(0);
    expect(first.stdout).toMatch(/^full match run: 2 of 2 prospects scored/);

    const second = await sway(['match', '--installation', inst, '--incremental', '--json', '--quiet']);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!)).toMatchObject({ mode: 'incremental', dirty: 0, scored: 0 });
  });

  it('exports every match as CSV with the components and the reason', async () => {
    const out = join(dir, 'matches.csv');
    const r = await sway(['matches', '--installation', inst, '--export', 'csv', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/matches written to /);
    const rows = parse(readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    const dana = rows.filter((x) => x.crm_id === '101');
    expect(dana[0]).toMatchObject({ prospect_id: 'dana', stage: 'decision', rank: '1', influencer_id: 'sam', influencer_name: 'Sam' });
    expect(dana[0]!.reason).toMatch(/^Decision stage: Dana replied to Sam 3×/);
    expect(Number(dana[0]!.tie)).toBeGreaterThan(0);
    expect(Object.keys(dana[0]!)).toEqual(['crm_id', 'prospect_id', 'stage', 'rank', 'influencer_id', 'influencer_name', 'score', 'reason', 'tie', 'twoHop', 'authority', 'advocacy', 'similarity', 'reach', 'effectiveness', 'computed_at']);
  });

  it('exits 2 with one line on usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['match', '--installation', 'nope'], /must be an installation id/],
      [['match', '--installation', '00000000-0000-4000-8000-000000000000'], /no installation/],
      [['match', '--installation', inst, '--full', '--incremental'], /not both/],
      [['matches', '--installation', inst, '--export', 'xml'], /unknown --export format "xml"/],
    ];
    const results = await Promise.all(cases.map(([args]) => sway(args)));
    cases.forEach(([args, message], k) => {
      const r = results[k]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  });
});
