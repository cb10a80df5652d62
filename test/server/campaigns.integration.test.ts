/**
 * Campaigns end to end on the sandbox: a draft through /api/v1/campaigns, pre-registration
 * (409 once started), stored deterministic arms, won deals and stage moves pulled from the CRM
 * over real HTTP, exposure from ingested interactions, and the report and measure job on them.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learnedOutcomes } from '../../src/jobs/learned-outcomes.ts';
import { measureJob } from '../../src/jobs/measure.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { assignArm } from '../../src/outcomes/assignment.ts';
import { relink } from '../../src/store/crm-records.ts';
import { listRuns } from '../../src/store/runs.ts';
import { campaignEffects, campaignMembers, campaigns, people, stageTransitions } from '../../src/store/schema.ts';
import { apiClient, otherInstallation } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let api: ReturnType<typeof apiClient>;
let ids: string[];
const N = 60;

beforeAll(async () => {
  h = await startHarness();
  ids = h.sandbox.seedContacts(Array.from({ length: N }, (_, i) => ({ email: `p${i}@example.com`, lifecyclestage: i < 50 ? 'lead' : 'opportunity' })));
  const install = await h.install();
  installationId = install.installationId;
  api = apiClient(h, install.apiKey);
  await pullJob(h.rt.jobs, installationId, 'first');
  const signals = await api('POST', '/api/v1/signals', {
    people: [
      { id: 'inf-a', name: 'Dana' },
      { id: 'inf-b', name: 'Eli' },
      ...Array.from({ length: N }, (_, i) => ({ id: `prospect-${i}`, emails: [`p${i}@example.com`] })),
    ],
  });
  expect(signals.status).toBe(202);
  await relink(h.rt.store.db, installationId);
});
afterAll(async () => {
  await h.close();
});

const readout = () => new Date(Date.now() + 30 * 86_400_000).toISOString();
const spec = (over: Record<string, unknown> = {}) => ({ name: 'Spring push', influencers: ['inf-a', 'inf-b'], attributionWindowDays: 30, readoutAt: readout(), holdoutShare: 0.5, cost: 1000, ...over });

describe('campaigns API', () => {
  it('refuses bad designs with a 400 naming each problem, and unknown influencers', async () => {
    const bad = await api('POST', '/api/v1/campaigns', { name: '', influencers: [], holdoutShare: 1.5, attributionWindowDays: 0, readoutAt: 'soon', outcome: 'clicks', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_CAMPAIGN');
    const paths = bad.body.error.issues.map((i: { path: string }) => i.path);
    for (const p of ['name', 'influencers', 'holdoutShare', 'attributionWindowDays', 'readoutAt', 'outcome', 'extra']) expect(paths).toContain(p);
    const unknown = await api('POST', '/api/v1/campaigns', spec({ influencers: ['inf-a', 'nobody'] }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_INFLUENCER', issues: [{ path: 'influencers.1' }] });
  });

  let campaignId: string;
  it('creates a draft whose design may change until it starts', async () => {
    const created = await api('POST', '/api/v1/campaigns', spec({ holdoutShare: 0.3 }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'draft', design: { holdoutShare: 0.3, unit: 'account-else-contact', outcome: 'deal-won', alpha: 0.05, cost: 1000 }, influencers: ['inf-a', 'inf-b'], members: null });
    campaignId = created.body.id;
    const patched = await api('PATCH', `/api/v1/campaigns/${campaignId}`, { holdoutShare: 0.5, segment: { stages: ['awareness'] } });
    expect(patched.status).toBe(200);
    expect(patched.body.design).toMatchObject({ holdoutShare: 0.5, segment: { stages: ['awareness'] } });
    const list = await api('GET', '/api/v1/campaigns');
    expect(list.body.campaigns.map((c: { id: string }) => c.id)).toContain(campaignId);
    const report = await api('GET', `/api/v1/campaigns/${campaignId}/report`);
    expect(report.status).toBe(409);
  });

  it('starts: stores the deterministic arm of every contact in the segment, once', async () => {
    const started = await api('POST', `/api/v1/campaigns/${campaignId}/start`);
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('running');
    const members = await h.rt.store.db.select().from(campaignMembers).where(eq(campaignMembers.campaignId, campaignId));
    // The segment is the 50 awareness-stage contacts ('lead'), not the 10 at 'opportunity'.
    expect(members).toHaveLength(50);
    for (const m of members) {
      expect(m.unitKey).toBe(`contact:${m.contactId}`);
      expect(m.arm).toBe(assignArm(campaignId, m.unitKey, 0.5));
      expect(m.stage).toBe('awareness');
    }
    expect(started.body.members.treatment + started.body.members.control).toBe(50);
    const again = await api('POST', `/api/v1/campaigns/${campaignId}/start`);
    expect(again.body.members).toEqual(started.body.members);
    expect(again.body.startedAt).toBe(started.body.startedAt);
  });

  it('refuses design changes once started (409), naming what is frozen; the name may change', async () => {
    const frozen = await api('PATCH', `/api/v1/campaigns/${campaignId}`, { alpha: 0.1, readoutAt: readout() });
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.code).toBe('CAMPAIGN_PREREGISTERED');
    expect(frozen.body.error.message).toMatch(/changing them makes a new campaign/);
    expect(frozen.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['alpha', 'readoutAt']);
    const renamed = await api('PATCH', `/api/v1/campaigns/${campaignId}`, { name: 'Spring push (EMEA)' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.design.alpha).toBe(0.05);
  });

  it('counts won deals in the window from the CRM, per arm, with revenue; exposure stays observational', async () => {
    const members = await h.rt.store.db.select().from(campaignMembers).where(eq(campaignMembers.campaignId, campaignId));
    const treated = members.filter((m) => m.arm === 'treatment').map((m) => m.contactId).sort();
    const control = members.filter((m) => m.arm === 'control').map((m) => m.contactId).sort();
    const now = new Date().toISOString();
    const won = (contactIds: string[], amount: number, closedate = now) => h.sandbox.createDeal({ dealname: 'd', amount: String(amount), dealstage: 'closedwon', pipeline: 'default', closedate }, contactIds);
    won([treated[0]!], 100);
    won([treated[1]!], 200);
    won([treated[1]!, treated[2]!], 50); // one deal, two treated contacts
    won([control[0]!], 400);
    won([treated[3]!], 9999, '2020-01-01T00:00:00Z'); // closed before the window: not a conversion
    h.sandbox.createDeal({ dealname: 'open', amount: '7', dealstage: 'contractsent', pipeline: 'default' }, [treated[4]!]);
    await pullJob(h.rt.jobs, installationId, 'deals');
    // An influencer touched two treated prospects after the start.
    const prospectOf = (contactId: string) => `prospect-${ids.indexOf(contactId)}`;
    const touch = await api('POST', '/api/v1/signals', {
      interactions: [treated[0]!, treated[5]!].map((c, k) => ({ externalId: `touch-${k}`, from: 'inf-a', to: prospectOf(c), kind: 'reply', topics: [], sentiment: 0.5, occurredAt: new Date().toISOString() })),
    });
    expect(touch.status).toBe(202);

    const res = await api('GET', `/api/v1/campaigns/${campaignId}/report`);
    expect(res.status).toBe(200);
    const o = res.body.report.overall;
    expect(o.treatment).toMatchObject({ units: treated.length, conversions: 3, revenue: 350 });
    expect(o.control).toMatchObject({ units: control.length, conversions: 1, revenue: 400 });
    expect(res.body.report.primaryAnalysis).toBe('intent-to-treat');
    expect(res.body.report.afterReadout).toBe(false);
    expect(o.observational).toMatchObject({ exposedUnits: 2, exposedRate: 0.5 });
    expect(o.observational.label).toMatch(/observational/);
    expect(o.analysis.absoluteLift.estimate).toBeCloseTo(3 / treated.length - 1 / control.length, 12);
    expect(o.verdict).toBe('inconclusive');
    expect(o.label).toMatch(/inconclusive — about .* more prospects needed/);
  });

  it('the measure job stores the report and records a run; measuring again gives the same counts', async () => {
    await measureJob(h.rt.jobs, installationId, 'measure-1', { installationId, campaignId });
    const [row] = await h.rt.store.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect(row!.measuredAt).not.toBeNull();
    const first = row!.lastReport as any;
    const crmCalls = h.sandbox.requests.length;
    await measureJob(h.rt.jobs, installationId, 'measure-2', { installationId, campaignId });
    // Measuring reads the store only: again with nothing changed, not one CRM call (let alone a write).
    expect(h.sandbox.requests.length).toBe(crmCalls);
    const [again] = await h.rt.store.db.select().from(campaigns).where(eq(campaigns.id, campaignId));
    expect({ ...(again!.lastReport as any).overall }).toEqual(first.overall);
    const runs = await listRuns(h.rt.store.db, installationId, 'measure');
    expect(runs.filter((r) => r.status === 'succeeded')).toHaveLength(2);
    expect(runs[0]!.counts).toMatchObject({ treatmentConversions: 3, controlConversions: 1 });
  });

  it('measuring stores per (influencer, stage) effects that feed the match run, shrunk', async () => {
    // One influencer: every member is grouped under it.
    const id = (await api('POST', '/api/v1/campaigns', spec({ influencers: ['inf-a'], segment: { stages: ['awareness'] } }))).body.id;
    await api('POST', `/api/v1/campaigns/${id}/start`);
    await measureJob(h.rt.jobs, installationId, 'measure-learn', { installationId, campaignId: id });
    const cells = await h.rt.store.db.select().from(campaignEffects).where(eq(campaignEffects.campaignId, id));
    expect(cells).toHaveLength(1);
    expect(cells[0]!.treatmentUnits + cells[0]!.controlUnits).toBe(50);
    const ids = (await h.rt.store.db.select({ id: people.id, externalId: people.externalId }).from(people).where(eq(people.installationId, installationId))).sort((a, b) => Number(a.id) - Number(b.id));
    const outcomes = await learnedOutcomes(h.rt.store.db, installationId, Float64Array.from(ids.map((r) => Number(r.id))));
    const dense = ids.findIndex((r) => r.externalId === 'inf-a');
    const learned = outcomes!.get(`${dense}:awareness`);
    expect(learned).toMatchObject({ trials: cells[0]!.treatmentUnits });
    expect(learned!.shrunk!.treatment).toBeGreaterThan(0);
    expect(learned!.shrunk!.control).toBeGreaterThan(0);
  });

  it('records stage moves at pull time, which date the purchase-stage outcome', async () => {
    const created = await api('POST', '/api/v1/campaigns', spec({ outcome: 'stage-purchase', segment: { stages: ['decision'] } }));
    const id = created.body.id;
    const { members } = (await api('POST', `/api/v1/campaigns/${id}/start`)).body;
    expect(members.treatment + members.control).toBe(10);
    const mover = ids[55]!;
    h.sandbox.updateContact(mover, { lifecyclestage: 'customer' });
    await pullJob(h.rt.jobs, installationId, 'stages');
    const moves = await h.rt.store.db.select().from(stageTransitions).where(and(eq(stageTransitions.installationId, installationId), eq(stageTransitions.crmId, mover)));
    expect(moves).toMatchObject([{ fromStage: 'opportunity', toStage: 'customer' }]);
    const report = (await api('GET', `/api/v1/campaigns/${id}/report`)).body.report;
    expect(report.overall.treatment.conversions + report.overall.control.conversions).toBe(1);
  });

  it('a people merge keeps the campaign influencers, as the survivor (one row when both were influencers)', async () => {
    expect((await api('POST', '/api/v1/signals', { people: [{ id: 'inf-x', name: 'Xavi' }, { id: 'inf-y', name: 'Yara' }, { id: 'inf-z', name: 'Zoe' }] })).status).toBe(202);
    const two = (await api('POST', '/api/v1/campaigns', spec({ influencers: ['inf-x', 'inf-y'] }))).body.id;
    const one = (await api('POST', '/api/v1/campaigns', spec({ influencers: ['inf-y'] }))).body.id;
    expect((await api('POST', '/api/v1/people/merge', { into: 'inf-z', from: ['inf-x', 'inf-y'] })).status).toBe(200);
    expect((await api('GET', `/api/v1/campaigns/${two}`)).body.influencers).toEqual(['inf-z']);
    expect((await api('GET', `/api/v1/campaigns/${one}`)).body.influencers).toEqual(['inf-z']);
  });

  it("keeps another installation's campaigns out of sight", async () => {
    const other = await otherInstallation(h);
    const theirs = apiClient(h, other.apiKey);
    expect((await theirs('GET', `/api/v1/campaigns/${campaignId}`)).status).toBe(404);
    expect((await theirs('GET', '/api/v1/campaigns')).body.campaigns).toEqual([]);
    expect((await api('GET', '/api/v1/campaigns/not-a-uuid')).status).toBe(404);
  });
});
