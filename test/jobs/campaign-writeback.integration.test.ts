/**
 * Campaign write-back on the sandbox over real HTTP: provisioning the deal property, a running
 * campaign's arm and campaign on every member, a won deal of a treated member making the
 * contact converted and naming the campaign on the deal, and measuring again with nothing
 * changed making no CRM write calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureJob } from '../../src/jobs/measure.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { pushJob } from '../../src/jobs/push.ts';
import { jobId, measureJobId } from '../../src/jobs/queues.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { campaignLabel } from '../../src/outcomes/campaign-writeback.ts';
import { campaignMembersOf } from '../../src/store/campaigns.ts';
import { listRuns } from '../../src/store/runs.ts';
import { apiClient } from '../helpers/api.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let api: ReturnType<typeof apiClient>;
const N = 30;
const writes = () => requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/objects\/(contacts|deals)\/batch\/update$/);

beforeAll(async () => {
  h = await startHarness();
  h.sandbox.seedContacts(Array.from({ length: N }, (_, i) => ({ email: `p${i}@example.com`, lifecyclestage: 'lead' })));
  const install = await h.install();
  installationId = install.installationId;
  api = apiClient(h, install.apiKey);
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullJob(h.rt.jobs, installationId, 'first');
  const signals = await api('POST', '/api/v1/signals', {
    people: [{ id: 'inf-a', name: 'Dana', audienceSize: 5000 }, ...Array.from({ length: N }, (_, i) => ({ id: `prospect-${i}`, emails: [`p${i}@example.com`], audienceSize: 10 }))],
    interactions: Array.from({ length: N }, (_, i) => ({ externalId: `e${i}`, from: `prospect-${i}`, to: 'inf-a', kind: 'reply', topics: ['crm'], sentiment: 0.5, occurredAt: new Date(Date.now() - 86_400_000).toISOString() })),
  });
  expect(signals.status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 's');
}, 120_000);
afterAll(async () => {
  await h.close();
});

describe('campaign write-back', () => {
  it('provisions the influencing-campaign deal property in the "sway" deal group, idempotently', async () => {
    expect(h.sandbox.getProperty('deals', 'sway_influencing_campaign')).toMatchObject({ type: 'string', fieldType: 'text', groupName: 'sway' });
    expect(h.sandbox.getProperty('contacts', 'sway_campaign_arm')).toMatchObject({ type: 'enumeration', groupName: 'sway' });
    h.sandbox.clearRequests();
    await provisionJob(h.rt.jobs, installationId, 'p-again');
    expect(h.sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    const [run] = await listRuns(h.rt.store.db, installationId, 'provision');
    expect(run!.counts).toMatchObject({ created: 0 });
  });

  let campaignId: string;
  let treated: string;
  let control: string;
  it('writes campaign and arm on every member; a treated member\'s won deal makes it converted and names the campaign on the deal', async () => {
    const created = await api('POST', '/api/v1/campaigns', { name: 'Spring push', influencers: ['inf-a'], attributionWindowDays: 30, readoutAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), holdoutShare: 0.5 });
    expect(created.status).toBe(201);
    campaignId = created.body.id;
    const started = await api('POST', `/api/v1/campaigns/${campaignId}/start`);
    expect(started.status).toBe(200);
    await measureJob(h.rt.jobs, installationId, 'm0', { installationId, campaignId });
    await pushJob(h.rt.jobs, installationId, 'push-0');
    const label = campaignLabel({ id: campaignId, name: 'Spring push' });
    const members = h.sandbox.listContacts().filter((c) => c.properties.sway_campaign === label);
    expect(members).toHaveLength(N);
    treated = members.find((c) => c.properties.sway_campaign_arm === 'treatment')!.id;
    control = members.find((c) => c.properties.sway_campaign_arm === 'control')!.id;
    expect(members.every((c) => c.properties.sway_campaign_converted === 'false')).toBe(true);

    const now = new Date().toISOString();
    const won = h.sandbox.createDeal({ dealname: 'won', amount: '500', dealstage: 'closedwon', pipeline: 'default', closedate: now }, [treated]);
    const controlWon = h.sandbox.createDeal({ dealname: 'won too', amount: '300', dealstage: 'closedwon', pipeline: 'default', closedate: now }, [control]);
    await pullJob(h.rt.jobs, installationId, 'deals');
    // The pull queued a measure of the running campaign, with an id from the pull's own.
    expect(await h.rt.jobs.queues.measure.getJob(measureJobId(campaignId, 'deals'))).toBeTruthy();

    // Workers are off: drop what earlier steps queued so the measure's own push is seen.
    await h.rt.jobs.queues.push.drain();
    await measureJob(h.rt.jobs, installationId, 'm1', { installationId, campaignId });
    const [m1] = await listRuns(h.rt.store.db, installationId, 'measure');
    expect(m1!.counts).toMatchObject({ treatmentConversions: 1, controlConversions: 1, pushQueued: 1 });
    // Through the pipeline's declaration (measure → push), with an id from the measure's.
    expect((await h.rt.jobs.queues.push.getWaiting()).map((j) => j.id)).toEqual([jobId('push', installationId, 'm1')]);

    h.sandbox.clearRequests();
    await pushJob(h.rt.jobs, installationId, 'push-1');
    expect(h.sandbox.getContact(treated)!.properties).toMatchObject({ sway_campaign: label, sway_campaign_arm: 'treatment', sway_campaign_converted: 'true' });
    expect(h.sandbox.getContact(control)!.properties).toMatchObject({ sway_campaign_arm: 'control', sway_campaign_converted: 'true' });
    expect(h.sandbox.getDeal(won)!.properties.sway_influencing_campaign).toBe(label);
    // A control member's deal is not attributed: only the treated arm's are.
    expect(h.sandbox.getDeal(controlWon)!.properties.sway_influencing_campaign ?? '').toBe('');
    const calls = writes();
    expect(calls.map((c) => [c.path, (c.body as { inputs: unknown[] }).inputs.length])).toEqual([
      ['/crm/v3/objects/contacts/batch/update', 2],
      ['/crm/v3/objects/deals/batch/update', 1],
    ]);
  });

  it('measuring again with nothing changed queues no push and makes no CRM write calls', async () => {
    h.sandbox.clearRequests();
    await h.rt.jobs.queues.push.drain();
    await measureJob(h.rt.jobs, installationId, 'm2', { installationId, campaignId });
    const [m2] = await listRuns(h.rt.store.db, installationId, 'measure');
    expect(m2!.counts).toMatchObject({ pushQueued: 0 });
    expect(await h.rt.jobs.queues.push.getWaiting()).toHaveLength(0);
    await pushJob(h.rt.jobs, installationId, 'push-2');
    expect(writes()).toHaveLength(0);
    expect(h.sandbox.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/oauth'))).toHaveLength(0);
  });
});

describe('campaign members Sway has no person for', () => {
  it('get no fields and do not keep queueing pushes', async () => {
    // A contact in the CRM that no ingested person links to, added to a new campaign's segment.
    const [stranger] = h.sandbox.seedContacts([{ email: 'stranger@example.com', lifecyclestage: 'lead' }]);
    await pullJob(h.rt.jobs, installationId, 'stranger');
    const created = await api('POST', '/api/v1/campaigns', { name: 'Autumn', influencers: ['inf-a'], attributionWindowDays: 30, readoutAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), holdoutShare: 0.5 });
    await api('POST', `/api/v1/campaigns/${created.body.id}/start`);
    const members = await campaignMembersOf(h.rt.store.db, created.body.id);
    expect(members.map((m) => m.contactId)).toContain(stranger);
    await measureJob(h.rt.jobs, installationId, 'a0', { installationId, campaignId: created.body.id });
    await pushJob(h.rt.jobs, installationId, 'push-a0');
    expect(h.sandbox.getContact(stranger!)!.properties.sway_campaign ?? '').toBe('');
    await h.rt.jobs.queues.push.drain();
    await measureJob(h.rt.jobs, installationId, 'a1', { installationId, campaignId: created.body.id });
    expect(await h.rt.jobs.queues.push.getWaiting()).toHaveLength(0);
  });
});
