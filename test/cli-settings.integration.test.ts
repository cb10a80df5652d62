/**
 * `sway settings get|set` as an admin runs them: child processes on a store (a PGlite directory,
 * or a schema on DATABASE_URL) holding one installation.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchFromPairs } from '../src/settings-cli.ts';
import { openStore } from '../src/store/db.ts';
import { getInstallation, saveInstallation } from '../src/store/installations.ts';
import { runSway, stopAllSway } from './helpers/cli.ts';
import { dropSchema, testConfig } from './helpers/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'sway-settings-cli-'));
const id = randomBytes(6).toString('hex');
const pgUrl = process.env.DATABASE_URL;
const env: Record<string, string> = pgUrl ? { DATABASE_URL: pgUrl, DB_SCHEMA: `t_${id}` } : { PGLITE_DIR: join(dir, 'store') };
let inst: string;

beforeAll(async () => {
  const store = await openStore(testConfig(null, env));
  try {
    ({ installation: { id: inst } } = await saveInstallation(store.db, randomBytes(32), 'hubspot', { accountId: `acc-${id}`, accountDomain: null, scopes: [] }, {
      accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000),
    }));
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await stopAllSway(); // a CLI child of a test that gave up
  if (pgUrl) await dropSchema(pgUrl, env.DB_SCHEMA!);
  rmSync(dir, { recursive: true, force: true });
});

const sway = (args: string[]) => runSway(args, env);
const stored = async () => {
  const store = await openStore(testConfig(null, env));
  try {
    return (await getInstallation(store.db, inst))!.settings as Record<string, any>;
  } finally {
    await store.close();
  }
};

describe('sway settings', () => {
  it('set takes path=value pairs (JSON values, null removes) or --json; get prints what is stored', async () => {
    const set = await sway(['settings', 'set', '--installation', inst, 'matching.topK=7', 'matching.stageWeights.decision.tie=0.5', 'matching.attributeFields.industry=sector']);
    expect(set.code, set.stderr).toBe(0);
    expect((await stored()).matching).toMatchObject({ topK: 7, stageWeights: { decision: { tie: 0.5 } }, attributeFields: { industry: 'sector' } });

    const viaJson = await sway(['settings', 'set', '--installation', inst, '--json', '{"matching":{"halfLifeDays":45,"stageWeights":{"decision":{"tie":null}}}}']);
    expect(viaJson.code, viaJson.stderr).toBe(0);

    const get = await sway(['settings', 'get', '--installation', inst]);
    expect(get.code, get.stderr).toBe(0);
    const shown = JSON.parse(get.stdout);
    expect(shown.matching).toMatchObject({ topK: 7, halfLifeDays: 45, stageWeights: {}, attributeFields: { industry: 'sector' } });
    expect(shown.matching.effectiveStageWeights.decision.tie).toBeCloseTo(0.3, 6);
  });

  it('bad input exits 2 with one `sway: path: reason` line per problem and stores nothing', async () => {
    const before = await stored();
    const bad = await sway(['settings', 'set', '--installation', inst, 'matching.topK=11', 'matching.colour=blue']);
    expect(bad.code).toBe(2);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^sway: matching\.topK: /), expect.stringMatching(/^sway: matching\.colour: /)]));
    expect(await stored()).toEqual(before);

    const notAPair = await sway(['settings', 'set', '--installation', inst, 'topK']);
    expect(notAPair.code).toBe(2);
    expect(notAPair.stderr).toMatch(/^sway: expected path=value/);
    const noInstallation = await sway(['settings', 'get', '--installation', 'nope']);
    expect(noInstallation.code).toBe(2);
    expect(noInstallation.stderr).toMatch(/^sway: --installation must be/);
  });

  it('patchFromPairs builds the nested patch and refuses prototype keys', () => {
    expect(patchFromPairs(['matching.topK=4', 'matching.attributeFields.region=state', 'handleFields.x=null'])).toEqual({
      matching: { topK: 4, attributeFields: { region: 'state' } },
      handleFields: { x: null },
    });
    expect(patchFromPairs(['__proto__.polluted=1'])).toMatch(/bad setting path/);
  });
});
