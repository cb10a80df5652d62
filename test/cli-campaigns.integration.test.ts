/**
 * `sway campaigns create|list|start|report` as an admin runs them: child processes on a store
 * (a PGlite directory, or a schema on DATABASE_URL) holding one installation, its contacts and
 * an influencer.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignArm } from '../src/outcomes/assignment.ts';
import { openStore } from '../src/store/db.ts';
import { saveInstallation } from '../src/store/installations.ts';
import { crmDeals, crmRecords, people } from '../src/store/schema.ts';
import { runSway } from './helpers/cli.ts';
import { dropSchema, testConfig } from './helpers/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'sway-campaigns-cli-'));
const id = randomBytes(6).toString('hex');
const pgUrl = process.env.DATABASE_URL;
const storeEnv: Record<string, string> = pgUrl ? { DATABASE_URL: pgUrl, DB_SCHEMA: `t_${id}` } : { PGLITE_DIR: join(dir, 'store') };
// The configuration `sway serve` would read (the commands use none of the CRM settings).
const env: Record<string, string> = { ...storeEnv, HUBSPOT_CLIENT_ID: 'id', HUBSPOT_CLIENT_SECRET: 'secret', SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
let inst: string;

beforeAll(async () => {
  const store = await openStore(testConfig(null, env));
  try {
    ({ installation: { id: inst } } = await saveInstallation(store.db, randomBytes(32), 'hubspot', { accountId: `acc-${id}`, accountDomain: null, scopes: [] }, {
      accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000),
    }));
    await store.db.insert(crmRecords).values(Array.from({ length: 20 }, (_, i) => ({ installationId: inst, objectType: 'contact', crmId: `c${i}`, email: `c${i}@example.com` })));
    await store.db.insert(people).values({ installationId: inst, externalId: 'dana', name: 'Dana' });
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  if (pgUrl) await dropSchema(pgUrl, env.DB_SCHEMA!);
  rmSync(dir, { recursive: true, force: true });
});

const sway = (args: string[]) => runSway(args, env);

describe('sway campaigns', () => {
  it('create refuses a bad spec with one line per problem (exit 2), and an unknown influencer', async () => {
    const bad = await sway(['campaigns', 'create', '--installation', inst, '--spec', '{"name":"x","holdoutShare":2}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^sway: holdoutShare: /m);
    expect(bad.stderr).toMatch(/^sway: influencers: /m);
    const unknown = await sway(['campaigns', 'create', '--installation', inst, '--spec', JSON.stringify({ name: 'x', influencers: ['nobody'], attributionWindowDays: 30, readoutAt: '2030-01-01T00:00:00Z' })]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('sway: influencers: no person "nobody"');
    expect((await sway(['campaigns', 'list', '--installation', 'nope'])).code).toBe(2);
  });

  it('create, start and report a campaign from the command line', async () => {
    const spec = join(dir, 'spec.json');
    // The readout is a moment away: the report read after it is the final, fixed-horizon one.
    writeFileSync(spec, JSON.stringify({ name: 'CLI push', influencers: ['dana'], attributionWindowDays: 30, readoutAt: new Date(Date.now() + 1500).toISOString() }));
    const created = await sway(['campaigns', 'create', '--installation', inst, '--spec', `@${spec}`, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const campaign = JSON.parse(created.stdout);
    expect(campaign).toMatchObject({ status: 'draft', influencers: ['dana'] });
    const started = await sway(['campaigns', 'start', campaign.id, '--installation', inst, '--json']);
    expect(started.code, started.stderr).toBe(0);
    const view = JSON.parse(started.stdout);
    const treated = Array.from({ length: 20 }, (_, i) => `c${i}`).filter((c) => assignArm(campaign.id, `contact:${c}`, 0.5) === 'treatment');
    expect(view.members).toEqual({ treatment: treated.length, control: 20 - treated.length });
    const again = await sway(['campaigns', 'start', campaign.id, '--installation', inst]);
    expect(again.stdout).toMatch(/already running; arms unchanged/);

    // A won deal for the first treated contact, closed inside the window.
    const store = await openStore(testConfig(null, env));
    try {
      await store.db.insert(crmDeals).values({ installationId: inst, crmId: 'd1', closedWon: true, amount: 1200, closeDate: new Date(), contactIds: [treated[0]!] });
    } finally {
      await store.close();
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(campaign.design.readoutAt) - Date.now())));
    const report = await sway(['campaigns', 'report', campaign.id, '--installation', inst, '--json']);
    expect(report.code, report.stderr).toBe(0);
    const r = JSON.parse(report.stdout).report;
    expect(r.overall.treatment).toMatchObject({ units: treated.length, conversions: 1, revenue: 1200 });
    expect(r.afterReadout).toBe(true);
    const text = await sway(['campaigns', 'report', campaign.id, '--installation', inst]);
    expect(text.stdout).toMatch(/— read out/);
    expect(text.stdout).toMatch(/intent-to-treat/);
    const list = await sway(['campaigns', 'list', '--installation', inst, '--json']);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ id: campaign.id, status: 'read-out' });
  });
});
