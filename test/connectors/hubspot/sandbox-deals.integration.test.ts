// Deals, deal pipelines, deal↔contact associations (v3 reads and v4 batch read) and the contact
// admin knobs (lifecycle stages, lastmodifieddate), driven with the real SDK.
import { Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox/index.ts';

const REDIRECT = 'http://localhost:3000/oauth/callback';
const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.deals.read', 'crm.objects.deals.write'];
const T0 = Date.parse('2026-03-03T08:00:00.000Z');

interface SdkError {
  code: number;
  body: { category?: string; message?: string; errors?: Array<{ code?: string }> };
}

let clock = T0;
let sandbox: HubSpotSandbox;

beforeEach(async () => {
  clock = T0;
  sandbox = createHubSpotSandbox({ now: () => clock });
  await sandbox.start();
});
afterEach(async () => {
  await sandbox.stop();
});

async function apiClient(scopes = SCOPES): Promise<Client> {
  const q = new URLSearchParams({ client_id: sandbox.clientId, redirect_uri: REDIRECT, scope: scopes.join(' ') });
  const res = await fetch(`${sandbox.url}/oauth/authorize?${q}`, { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokens = await new Client({ basePath: sandbox.url }).oauth.tokensApi.create('authorization_code', code, REDIRECT, sandbox.clientId, sandbox.clientSecret);
  return new Client({ accessToken: tokens.accessToken, basePath: sandbox.url });
}

async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

const lastStatus = () => sandbox.requests.at(-1)!.status;

describe('pipelines', () => {
  it("lists HubSpot's default Sales Pipeline with its stages, then a custom one", async () => {
    const client = await apiClient();
    const { results } = await client.crm.pipelines.pipelinesApi.getAll('deals');
    expect(results).toHaveLength(1);
    const [sales] = results;
    expect(sales).toMatchObject({ id: 'default', label: 'Sales Pipeline', displayOrder: 0, archived: false });
    expect(sales!.createdAt).toBeInstanceOf(Date);
    expect(sales!.stages.map((s) => [s.id, s.metadata?.probability, s.metadata?.isClosed])).toEqual([
      ['appointmentscheduled', '0.2', 'false'],
      ['qualifiedtobuy', '0.4', 'false'],
      ['presentationscheduled', '0.6', 'false'],
      ['decisionmakerboughtin', '0.8', 'false'],
      ['contractsent', '0.9', 'false'],
      ['closedwon', '1.0', 'true'],
      ['closedlost', '0.0', 'true'],
    ]);
    expect(sales!.stages.map((s) => s.displayOrder)).toEqual([0, 1, 2, 3, 4, 5, 6]);

    const id = sandbox.addDealPipeline({
      label: 'Partnerships',
      stages: [{ label: 'Intro', probability: 0.1 }, { label: 'Signed', probability: 1 }, { label: 'Dropped', probability: 0 }],
    });
    expect(id).toMatch(/^\d+$/);
    const both = await client.crm.pipelines.pipelinesApi.getAll('deals');
    expect(both.results.map((p) => p.label)).toEqual(['Sales Pipeline', 'Partnerships']);
    const custom = await client.crm.pipelines.pipelinesApi.getById('deals', id);
    expect(custom.stages.map((s) => [s.label, s.metadata])).toEqual([
      ['Intro', { isClosed: 'false', probability: '0.1' }],
      ['Signed', { isClosed: 'true', probability: '1.0' }],
      ['Dropped', { isClosed: 'true', probability: '0.0' }],
    ]);
    expect(custom.stages[0]!.id).toMatch(/^\d+$/);
    // dealstage options follow the portal's pipelines.
    const stageProperty = sandbox.getProperty('deals', 'dealstage') as { options: Array<{ value: string }> };
    expect(stageProperty.options.map((o) => o.value)).toEqual([...sales!.stages.map((s) => s.id), ...custom.stages.map((s) => s.id)]);
    expect((await failure(client.crm.pipelines.pipelinesApi.getById('deals', '404404'))).code).toBe(404);
    expect((await failure(client.crm.pipelines.pipelinesApi.getAll('contacts'))).code).toBe(400);
    const noDeals = await apiClient(['oauth', 'crm.objects.contacts.read']);
    expect((await failure(noDeals.crm.pipelines.pipelinesApi.getAll('deals'))).code).toBe(403);
  });
});

describe('deals', () => {
  it('pages through deals with associations=contacts', async () => {
    const [ann, bob] = sandbox.seedContacts([{ email: 'ann@example.com' }, { email: 'bob@example.com' }]);
    const d1 = sandbox.createDeal({ dealname: 'One', amount: '100' }, [ann!, bob!]);
    const d2 = sandbox.createDeal({ dealname: 'Two', dealstage: 'closedwon', closedate: '2026-03-01T00:00:00Z' }, [bob!]);
    const d3 = sandbox.createDeal({ dealname: 'Three' });
    const client = await apiClient();

    const first = await client.crm.deals.basicApi.getPage(2, undefined, undefined, undefined, ['contacts']);
    expect(first.results.map((d) => d.id)).toEqual([d1, d2]);
    expect(first.results[0]!.associations).toEqual({
      contacts: { results: [{ id: ann, type: 'deal_to_contact' }, { id: bob, type: 'deal_to_contact' }] },
    });
    expect(first.results[1]!.properties).toMatchObject({ dealname: 'Two', dealstage: 'closedwon', pipeline: 'default', closedate: '2026-03-01T00:00:00.000Z', hs_object_id: d2 });
    expect(first.results[0]!.properties.dealstage).toBe('appointmentscheduled'); // the UI's default: first stage
    const second = await client.crm.deals.basicApi.getPage(2, first.paging!.next!.after, ['dealname'], undefined, ['contacts']);
    expect(second.results.map((d) => d.id)).toEqual([d3]);
    expect(second.results[0]!.associations).toBeUndefined(); // no contacts: no associations key
    expect(Object.keys(second.results[0]!.properties).sort()).toEqual(['createdate', 'dealname', 'hs_lastmodifieddate', 'hs_object_id']);
    expect(second.paging).toBeUndefined();

    const one = await client.crm.deals.basicApi.getById(d2, ['amount'], undefined, ['contacts']);
    expect(one.associations?.contacts?.results.map((r) => r.id)).toEqual([bob]);
    expect((await failure(client.crm.deals.basicApi.getById('123'))).code).toBe(404);
  });

  it('batch-reads (207 for unknown ids) and batch-updates within the pipeline, bumping hs_lastmodifieddate', async () => {
    const dealId = sandbox.createDeal({ dealname: 'Renewal', amount: '10' });
    const client = await apiClient();
    const read = await client.crm.deals.batchApi.read({ inputs: [{ id: dealId }, { id: '1' }], properties: ['amount'], propertiesWithHistory: [] });
    expect(lastStatus()).toBe(207);
    expect(read.results[0]!.properties).toMatchObject({ amount: '10', hs_object_id: dealId });
    expect('errors' in read && read.errors?.[0]).toMatchObject({ category: 'OBJECT_NOT_FOUND', context: { ids: ['1'] } });
    expect('errors' in read && read.errors?.[0]?.message).toMatch(/^Could not get some DEAL objects/);

    clock += 60_000;
    const updated = await client.crm.deals.batchApi.update({ inputs: [{ id: dealId, properties: { dealstage: 'contractsent', amount: '2500.75' } }] });
    expect(updated.results[0]!.properties).toEqual({ dealstage: 'contractsent', amount: '2500.75' });
    const deal = sandbox.getDeal(dealId)!;
    expect(deal.properties).toMatchObject({ dealstage: 'contractsent', amount: '2500.75', hs_lastmodifieddate: new Date(clock).toISOString() });
    expect(deal.updatedAt).toBe(new Date(clock).toISOString());

    const otherPipeline = sandbox.addDealPipeline({ label: 'Other', stages: [{ id: 'other_open', label: 'Open', probability: 0.5 }] });
    const bads: Array<Record<string, string>> = [{ dealstage: 'other_open' }, { dealstage: 'nope' }, { amount: 'lots' }, { pipeline: 'nope' }, { hs_lastmodifieddate: '1' }];
    for (const bad of bads) {
      const error = await failure(client.crm.deals.batchApi.update({ inputs: [{ id: dealId, properties: bad }] }));
      expect(error.code, JSON.stringify(bad)).toBe(400);
      expect(error.body.category).toBe('VALIDATION_ERROR');
    }
    // Moving pipelines with a stage of the new pipeline is fine.
    await client.crm.deals.batchApi.update({ inputs: [{ id: dealId, properties: { pipeline: otherPipeline, dealstage: 'other_open' } }] });
    expect(sandbox.getDeal(dealId)!.properties).toMatchObject({ pipeline: otherPipeline, dealstage: 'other_open' });

    const contactsOnly = await apiClient(['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write']);
    expect((await failure(contactsOnly.crm.deals.basicApi.getPage())).code).toBe(403);
    const readOnly = await apiClient(['oauth', 'crm.objects.deals.read']);
    expect((await failure(readOnly.crm.deals.batchApi.update({ inputs: [{ id: dealId, properties: { amount: '1' } }] }))).code).toBe(403);
  });
});

describe('associations v4', () => {
  it('batch-reads deal→contact associations: typeId 3, numeric toObjectId, 207 for deals without any', async () => {
    const [ann, bob] = sandbox.seedContacts([{ email: 'ann@example.com' }, { email: 'bob@example.com' }]);
    const withContacts = sandbox.createDeal({ dealname: 'A' }, [ann!, bob!]);
    const alone = sandbox.createDeal({ dealname: 'B' });
    const client = await apiClient();

    const res = await client.crm.associations.v4.batchApi.getPage('deals', 'contacts', { inputs: [{ id: withContacts }, { id: alone }] });
    expect(lastStatus()).toBe(207);
    expect(res.status).toBe('COMPLETE');
    expect(res.results).toHaveLength(1);
    expect(res.results[0]!._from).toEqual({ id: withContacts });
    expect(res.results[0]!.to).toEqual([
      { toObjectId: Number(ann), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }] },
      { toObjectId: Number(bob), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }] },
    ]);
    expect(res.startedAt).toBeInstanceOf(Date);
    const errors = 'errors' in res ? res.errors : [];
    expect(errors).toEqual([expect.objectContaining({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
      message: `No contact is associated with deal ${alone}.`,
      context: { fromObjectId: [alone], fromObjectType: ['deal'], toObjectType: ['contact'] },
    })]);

    const reverse = await client.crm.associations.v4.batchApi.getPage('contacts', 'deals', { inputs: [{ id: bob! }] });
    expect(lastStatus()).toBe(200);
    expect(reverse.results[0]!.to).toEqual([{ toObjectId: Number(withContacts), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 4, label: null }] }]);

    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id: String(i) }));
    expect((await failure(client.crm.associations.v4.batchApi.getPage('deals', 'contacts', { inputs: tooMany }))).code).toBe(400);
    expect((await failure(client.crm.associations.v4.batchApi.getPage('deals', 'widgets', { inputs: [{ id: '1' }] }))).code).toBe(400);
  });
});

describe('contacts: lifecycle stages and lastmodifieddate', () => {
  it('validates lifecyclestage against the options the portal defines', async () => {
    const [id] = sandbox.seedContacts([{ email: 'stage@example.com' }]);
    const client = await apiClient();
    await client.crm.contacts.batchApi.update({ inputs: [{ id: id!, properties: { lifecyclestage: 'lead' } }] });

    sandbox.setLifecycleStageOptions([
      { label: 'Fan', value: 'fan', displayOrder: 0 },
      { label: 'Influencer', value: 'influencer', displayOrder: 1 },
      { label: 'Customer', value: 'customer', displayOrder: 2 },
    ]);
    const stale = await failure(client.crm.contacts.batchApi.update({ inputs: [{ id: id!, properties: { lifecyclestage: 'lead' } }] }));
    expect(stale.code).toBe(400);
    expect(stale.body.errors?.[0]?.code).toBe('INVALID_OPTION');
    expect(stale.body.message).toContain('lead was not one of the allowed options: [fan, influencer, customer]');
    await client.crm.contacts.batchApi.update({ inputs: [{ id: id!, properties: { lifecyclestage: 'influencer' } }] });
    expect(sandbox.getContact(id!)!.properties.lifecyclestage).toBe('influencer');
    const property = await client.crm.properties.coreApi.getByName('contacts', 'lifecyclestage');
    expect(property.options.map((o) => o.value)).toEqual(['fan', 'influencer', 'customer']);
    expect(() => sandbox.updateContact(id!, { lifecyclestage: 'lead' })).toThrow(/allowed options/);
    expect(() => sandbox.setLifecycleStageOptions([])).toThrow();
  });

  it('bumps lastmodifieddate (ISO) on API writes and admin edits', async () => {
    const [id] = sandbox.seedContacts([{ email: 'mod@example.com' }]);
    const client = await apiClient();
    const read = async () => (await client.crm.contacts.basicApi.getById(id!, ['lastmodifieddate'])).properties.lastmodifieddate;
    expect(await read()).toBe(new Date(T0).toISOString());
    clock += 1000;
    await client.crm.contacts.batchApi.update({ inputs: [{ id: id!, properties: { firstname: 'Mo' } }] });
    expect(await read()).toBe(new Date(T0 + 1000).toISOString());
    clock += 1000;
    sandbox.updateContact(id!, { lastname: 'Dified' });
    expect(await read()).toBe(new Date(T0 + 2000).toISOString());
    // Two writes in the same millisecond still move the cursor forward.
    sandbox.updateContact(id!, { lastname: 'Again' });
    expect(await read()).toBe(new Date(T0 + 2001).toISOString());
  });
});
