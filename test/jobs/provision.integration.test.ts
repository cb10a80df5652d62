import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspotFieldsFor, hubspotPropertyName, HUBSPOT_PROPERTY_GROUP } from '../../connectors/hubspot/properties.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { listRuns } from '../../src/store/runs.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('provisioning', () => {
  it('creates the group and every catalogue contact and deal property once; a second run creates nothing and fails on nothing', async () => {
    const { installationId } = await h.install();
    const fields = hubspotFieldsFor('contacts');
    const dealFields = hubspotFieldsFor('deals');
    h.sandbox.clearRequests();

    await provisionJob(h.rt.jobs, installationId, 'first');
    const createsFirst = requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/properties\/contacts$/);
    expect(createsFirst.map((r) => r.status)).toEqual(fields.map(() => 201));
    expect(requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/properties\/contacts\/groups$/).map((r) => r.status)).toEqual([201]);
    for (const f of fields) {
      expect(h.sandbox.getProperty('contacts', hubspotPropertyName(f))).toMatchObject({ name: hubspotPropertyName(f), groupName: HUBSPOT_PROPERTY_GROUP.name });
    }
    // Deals get their own "sway" group and the influencing-campaign property.
    expect(requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/properties\/deals\/groups$/).map((r) => r.status)).toEqual([201]);
    expect(requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/properties\/deals$/).map((r) => r.status)).toEqual(dealFields.map(() => 201));
    for (const f of dealFields) expect(h.sandbox.getProperty('deals', hubspotPropertyName(f))).toMatchObject({ groupName: HUBSPOT_PROPERTY_GROUP.name });

    h.sandbox.clearRequests();
    await provisionJob(h.rt.jobs, installationId, 'second');
    expect(h.sandbox.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(h.sandbox.requests.every((r) => r.status === 200)).toBe(true);

    const runs = (await listRuns(h.rt.store.db, installationId, 'provision')).reverse();
    expect(runs.map((r) => [r.status, r.counts.created, r.counts.existing])).toEqual([
      ['succeeded', fields.length + dealFields.length, 0],
      ['succeeded', 0, fields.length + dealFields.length],
    ]);
  });
});
