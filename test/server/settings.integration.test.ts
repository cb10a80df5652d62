/**
 * GET/PATCH /api/v1/settings (src/server/settings.ts) as an admin's script uses them, and the
 * match run reading what was set: topK set over the API changes how many matches a run stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullMatchRun } from '../../src/jobs/match-run.ts';
import { getInstallation } from '../../src/store/installations.ts';
import { apiClient, otherInstallation } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { scoreJob } from '../../src/jobs/score.ts';

let h: Harness;
let installationId: string;
let apiKey: string;
let danaId: string;

beforeAll(async () => {
  h = await startHarness();
  [danaId] = h.sandbox.seedContacts([{ email: 'dana@example.com', firstname: 'Dana', lifecyclestage: 'lead' }]) as [string];
  ({ installationId, apiKey } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullJob(h.rt.jobs, installationId, 'p');
  const people = [{ id: 'dana', name: 'Dana', emails: ['dana@example.com'] }, ...Array.from({ length: 6 }, (_, i) => ({ id: `v${i}`, name: `V${i}` }))];
  const interactions = Array.from({ length: 6 }, (_, i) => ({ externalId: `e${i}`, from: 'dana', to: `v${i}`, kind: 'reply', topics: ['crm'], occurredAt: new Date().toISOString() }));
  expect((await apiClient(h, apiKey)('POST', '/api/v1/signals', { people, interactions })).status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 's');
});
afterAll(async () => {
  await h.close();
});

describe('settings API', () => {
  it('GET shows the defaults and the stage weights in force; PATCH changes them and the next match run uses topK', async () => {
    const api = apiClient(h, apiKey);
    const before = await api('GET', '/api/v1/settings');
    expect(before.status).toBe(200);
    expect(before.body.matching).toMatchObject({ topK: 3, halfLifeDays: 90, stageWeights: {}, attributeFields: { industry: 'industry', region: 'country', companySize: 'numemployees' } });
    expect(before.body.matching.effectiveStageWeights.decision.tie).toBeCloseTo(0.3, 6);

    const patched = await api('PATCH', '/api/v1/settings', { matching: { topK: 5, halfLifeDays: 30, stageWeights: { decision: { tie: 0.6 } }, attributeFields: { region: 'state' } }, stageOverrides: { 'custom-stage': 'decision' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.matching).toMatchObject({ topK: 5, halfLifeDays: 30, stageWeights: { decision: { tie: 0.6 } }, attributeFields: { industry: 'industry', region: 'state' } });
    // The row is renormalised: tie 0.6 of a row that otherwise sums to 0.7.
    expect(patched.body.matching.effectiveStageWeights.decision.tie).toBeCloseTo(0.6 / 1.3, 6);
    expect((await api('GET', '/api/v1/settings')).body).toEqual(patched.body);

    const run = await fullMatchRun(h.rt.store.db, installationId);
    expect(run.matchesWritten).toBe(5);
    const matches = await api('GET', `/api/v1/prospects/${danaId}/matches`);
    expect(matches.body.matches).toHaveLength(5);

    // null removes an override: the default applies again; other keys stay.
    const reset = await api('PATCH', '/api/v1/settings', { matching: { stageWeights: { decision: null } }, stageOverrides: { 'custom-stage': null } });
    expect(reset.status).toBe(200);
    expect(reset.body.matching.stageWeights).toEqual({});
    expect(reset.body.stageOverrides).toEqual({});
    expect(reset.body.matching.topK).toBe(5);
  });

  it('bad input is a 400 naming each problem path, and nothing is stored', async () => {
    const api = apiClient(h, apiKey);
    const stored = (await getInstallation(h.rt.store.db, installationId))!.settings;
    const bad = await api('PATCH', '/api/v1/settings', {
      matching: { topK: 0, halfLifeDays: 'soon', stageWeights: { decision: { tie: -1 }, someday: {} }, colour: 'blue' },
      stageMap: { lead: 'decision' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_SETTINGS');
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['matching.topK', 'matching.halfLifeDays', 'matching.stageWeights.decision.tie', 'matching.colour', 'stageMap']));
    expect(paths.some((p: string) => p.startsWith('matching.stageWeights'))).toBe(true);
    expect((await getInstallation(h.rt.store.db, installationId))!.settings).toEqual(stored);

    const notJson = await fetch(`${h.rt.url}/api/v1/settings`, { method: 'PATCH', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: '{"matching":' });
    expect(notJson.status).toBe(400);
  });

  it('needs the API key, and each key sees only its own installation', async () => {
    expect((await fetch(`${h.rt.url}/api/v1/settings`)).status).toBe(401);
    const other = await otherInstallation(h);
    const theirs = await apiClient(h, other.apiKey)('GET', '/api/v1/settings');
    expect(theirs.body.matching.topK).toBe(3);
  });
});
