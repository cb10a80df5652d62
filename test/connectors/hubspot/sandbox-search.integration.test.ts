// CRM search in the HubSpot sandbox, driven through the real SDK's searchApi.doSearch (and raw
// fetch where the SDK drops fields, e.g. policyName): filters, sorts, paging, the 10,000-result
// cap, the 5-per-second search limit and the index lag.
import { Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../../connectors/hubspot/sandbox/index.ts';

const REDIRECT = 'http://localhost:3000/oauth/callback';
const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.write', 'crm.objects.deals.read'];
const T0 = Date.parse('2026-02-02T10:00:00.000Z');

type SearchRequest = Parameters<Client['crm']['contacts']['searchApi']['doSearch']>[0];
interface SdkError {
  code: number;
  body: { category?: string; message?: string };
  headers: Record<string, string>;
}

let clock = T0;
let sandbox: HubSpotSandbox;

async function startSandbox(options: HubSpotSandboxOptions = {}): Promise<void> {
  sandbox = createHubSpotSandbox({ now: () => clock, searchLagMs: 0, ...options });
  await sandbox.start();
}

beforeEach(async () => {
  clock = T0;
  await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

async function accessToken(scopes = SCOPES): Promise<string> {
  const q = new URLSearchParams({ client_id: sandbox.clientId, redirect_uri: REDIRECT, scope: scopes.join(' ') });
  const res = await fetch(`${sandbox.url}/oauth/authorize?${q}`, { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokens = await new Client({ basePath: sandbox.url }).oauth.tokensApi.create('authorization_code', code, REDIRECT, sandbox.clientId, sandbox.clientSecret);
  return tokens.accessToken;
}

async function apiClient(extra: ConstructorParameters<typeof Client>[0] = {}): Promise<Client> {
  return new Client({ accessToken: await accessToken(), basePath: sandbox.url, ...extra });
}

async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

async function rawSearch(token: string, body: unknown, type = 'contacts'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sandbox.url}/crm/v3/objects/${type}/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const search = (client: Client, req: Partial<SearchRequest>) => client.crm.contacts.searchApi.doSearch(req as SearchRequest);
/** A search 200 ms after the previous one: five a second, within the search limit. */
const paced = (client: Client, req: Partial<SearchRequest>) => {
  clock += 200;
  return search(client, req);
};
const firstNames = (r: { results: Array<{ properties: Record<string, string | null> }> }) => r.results.map((c) => c.properties.firstname);

describe('search: filters, sorts and paging', () => {
  let client: Client;

  beforeEach(async () => {
    client = await apiClient();
    await client.crm.properties.coreApi.create('contacts', { name: 'sway_score', label: 'Score', type: 'number', fieldType: 'number', groupName: 'contactinformation' } as never);
    const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();
    sandbox.seedContacts([
      { firstname: 'Ann', email: 'ann@example.com', lifecyclestage: 'lead', sway_score: '10', createdate: day(1) },
      { firstname: 'Bob', email: 'bob@example.com', lifecyclestage: 'customer', sway_score: '50', createdate: day(2) },
      { firstname: 'Cid', email: 'cid@example.com', lifecyclestage: 'lead', sway_score: '30', createdate: day(3) },
      { firstname: 'Dee', email: 'dee@example.com', createdate: day(4) },
      { firstname: 'Eve', email: 'eve@example.com', lifecyclestage: 'opportunity', sway_score: '70', createdate: day(5) },
      { firstname: 'Fay', email: 'fay@example.com', lifecyclestage: 'customer', sway_score: '9', createdate: day(6) },
    ]);
  });

  it('ANDs filters in a group, ORs groups, and compares numbers as numbers', async () => {
    const one = (filters: unknown[]) => paced(client, { filterGroups: [{ filters }] as never, properties: ['firstname'] });
    expect(firstNames(await one([{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'lead' }]))).toEqual(['Ann', 'Cid']);
    // "9" < "30" as strings would wrongly include Fay's 9 in GTE 30.
    const both = await one([
      { propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'customer'] },
      { propertyName: 'sway_score', operator: 'GTE', value: '30' },
    ]);
    expect(firstNames(both)).toEqual(['Bob', 'Cid']);
    const either = await paced(client, {
      filterGroups: [
        { filters: [{ propertyName: 'sway_score', operator: 'LT', value: '10' }] },
        { filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'EVE' }] }, // strings compare case-insensitively
      ] as never,
      properties: ['firstname'],
    });
    expect(firstNames(either)).toEqual(['Eve', 'Fay']);
    expect(firstNames(await one([{ propertyName: 'sway_score', operator: 'BETWEEN', value: '10', highValue: '50' }]))).toEqual(['Ann', 'Bob', 'Cid']);
    expect(firstNames(await one([{ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'lead' }]))).toEqual(['Bob', 'Dee', 'Eve', 'Fay']);
    expect(firstNames(await one([{ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['lead', 'customer'] }]))).toEqual(['Dee', 'Eve']);
    expect((await one([{ propertyName: 'sway_score', operator: 'HAS_PROPERTY' }])).total).toBe(5);
    expect(firstNames(await one([{ propertyName: 'lifecyclestage', operator: 'NOT_HAS_PROPERTY' }]))).toEqual(['Dee']);
  });

  it('compares date-times as instants, whether given as epoch ms or ISO', async () => {
    clock += 1000;
    const res = await paced(client, {
      filterGroups: [{ filters: [
        { propertyName: 'createdate', operator: 'GT', value: String(Date.UTC(2026, 0, 2, 12)) },
        { propertyName: 'createdate', operator: 'LTE', value: '2026-01-04T00:00:00Z' },
      ] }] as never,
      properties: ['firstname'],
    });
    expect(firstNames(res)).toEqual(['Cid', 'Dee']);
    // lastmodifieddate is a cursor that sees Sway's own writes.
    const [cid] = res.results;
    const updatedAt = clock;
    await client.crm.contacts.batchApi.update({ inputs: [{ id: cid!.id, properties: { firstname: 'Cyd' } }] });
    const since = await paced(client, { filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(updatedAt) }] }] as never });
    expect(since.results.map((c) => c.id)).toEqual([cid!.id]);
    expect(since.results[0]!.properties.lastmodifieddate).toBe(new Date(updatedAt).toISOString());
  });

  it('sorts (object or string form, missing values last) and pages with after', async () => {
    const desc = await paced(client, { sorts: [{ propertyName: 'sway_score', direction: 'DESCENDING' }] as never, properties: ['firstname'] });
    expect(firstNames(desc)).toEqual(['Eve', 'Bob', 'Cid', 'Ann', 'Fay', 'Dee']);
    expect(firstNames(await paced(client, { sorts: ['sway_score'], properties: ['firstname'] }))).toEqual(['Fay', 'Ann', 'Cid', 'Bob', 'Eve', 'Dee']);
    expect(firstNames(await paced(client, { sorts: ['-firstname'], properties: ['firstname'] }))).toEqual(['Fay', 'Eve', 'Dee', 'Cid', 'Bob', 'Ann']);

    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 3; page++) {
      const res = await paced(client, { sorts: ['firstname'], properties: ['firstname'], limit: 2, ...(after ? { after } : {}) });
      expect(res.total).toBe(6);
      seen.push(...firstNames(res).map(String));
      after = res.paging?.next?.after;
    }
    expect(seen).toEqual(['Ann', 'Bob', 'Cid', 'Dee', 'Eve', 'Fay']);
    expect(after).toBeUndefined();
  });

  it('returns the default properties, or the asked ones plus the three always returned', async () => {
    const all = await paced(client, { limit: 1 });
    expect(all.total).toBe(6);
    expect(all.paging?.next?.after).toBe('1');
    expect(Object.keys(all.results[0]!.properties).sort()).toEqual(['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname']);
    // Ids past 2^31, as real portals have them: a 32-bit reader would fail here.
    expect(all.results[0]).toMatchObject({ id: String(2 ** 31 + 1), archived: false });
    expect(all.results[0]!.createdAt).toBeInstanceOf(Date);
    const some = await paced(client, { limit: 1, properties: ['sway_score'] });
    expect(Object.keys(some.results[0]!.properties).sort()).toEqual(['createdate', 'hs_object_id', 'lastmodifieddate', 'sway_score']);
    // Default limit is 10.
    sandbox.seedContacts(Array.from({ length: 10 }, (_, i) => ({ firstname: `X${i}` })));
    expect((await paced(client, {})).results).toHaveLength(10);
  });

  it('rejects bad requests with 400 VALIDATION_ERROR: limit > 200, too many groups or filters, unknown operators', async () => {
    const f = { propertyName: 'firstname', operator: 'HAS_PROPERTY' };
    const groups = (n: number, per: number) => Array.from({ length: n }, () => ({ filters: Array.from({ length: per }, () => f) }));
    for (const bad of [
      { limit: 201 },
      { limit: 0 },
      { filterGroups: groups(6, 1) },
      { filterGroups: groups(1, 11) }, // > 10 in one group
      { filterGroups: groups(3, 9) }, // 27 filters > 25
      { filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'LIKE', value: 'a' }] }] },
      { filterGroups: [{ filters: [{ propertyName: 'no_such_property', operator: 'EQ', value: 'a' }] }] },
      { filterGroups: [{ filters: [{ propertyName: 'sway_score', operator: 'GT', value: 'high' }] }] },
      { sorts: [{ propertyName: 'firstname', direction: 'UP' }] },
    ]) {
      const error = await failure(paced(client, bad as Partial<SearchRequest>));
      expect(error.code, JSON.stringify(bad)).toBe(400);
      expect(error.body.category).toBe('VALIDATION_ERROR');
    }
    expect((await paced(client, { limit: 200, filterGroups: groups(5, 3) as never })).total).toBe(6); // 15 filters are fine
    expect((await paced(client, { filterGroups: groups(3, 6) as never })).total).toBe(6); // 18 are fine
    expect((await paced(client, { filterGroups: groups(5, 5) as never })).total).toBe(6); // 25 are fine
    expect((await paced(client, { filterGroups: groups(1, 10) as never })).total).toBe(6); // 10 in a group are fine
    const tooMany = await failure(paced(client, { filterGroups: groups(2, 13) as never }));
    expect(tooMany.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR' });
    expect((tooMany.body as { correlationId?: string }).correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('search: limits', () => {
  it('serves at most 10,000 results per query: paging past them is a 400', async () => {
    sandbox.seedContacts(Array.from({ length: 10_050 }, (_, i) => ({ firstname: `P${i}` })));
    const client = await apiClient();
    const last = await search(client, { limit: 200, after: '9800', properties: ['firstname'] });
    expect(last.total).toBe(10_050);
    expect(last.results).toHaveLength(200);
    expect(last.results.at(-1)!.properties.firstname).toBe('P9999');
    expect(last.paging?.next?.after).toBe('10000');
    const beyond = await failure(search(client, { limit: 10, after: '10000' }));
    expect(beyond.code).toBe(400);
    expect(beyond.body.category).toBe('VALIDATION_ERROR');
    expect(beyond.body.message).toMatch(/10000 results/);
    expect((await search(client, { limit: 100, after: '9999' })).results).toHaveLength(1); // the window ends at 10,000
  });

  it('allows 5 searches per second per account: the 6th gets the SECONDLY 429', async () => {
    const client = await apiClient();
    const token = await accessToken();
    sandbox.clearRequests();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => search(client, {}).then(() => null, (e: SdkError) => e)));
    const rejected = outcomes.filter((o): o is SdkError => o !== null);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.code).toBe(429);
    // The message the SDK's RetryDecorator recognises for this limit.
    expect(rejected[0]!.body.message).toBe('You have reached your secondly limit.');
    // Searches are not counted in the burst window by default, so no burst headers; Retry-After says when.
    expect(rejected[0]!.headers['x-hubspot-ratelimit-max']).toBeUndefined();
    expect(rejected[0]!.headers['retry-after']).toBe('1');
    expect(sandbox.requests.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);

    const raw = await rawSearch(token, {});
    expect(raw.status).toBe(429);
    expect(raw.body).toMatchObject({ status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
    expect(raw.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    // Other endpoints are not affected, and the next second searches again.
    await client.crm.contacts.basicApi.getPage();
    clock += 1000;
    expect((await rawSearch(token, {})).status).toBe(200);
  });

  it('is retried by the SDK itself (numberOfApiCallRetries) because the message matches', async () => {
    await sandbox.stop();
    await startSandbox({ now: Date.now }); // the SDK waits in real time: let the sandbox clock follow
    const client = await apiClient({ numberOfApiCallRetries: 2 });
    const original = console.error;
    console.error = () => {}; // the RetryDecorator logs each retry
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => search(client, {})));
      expect(results).toHaveLength(6);
    } finally {
      console.error = original;
    }
    expect(sandbox.requests.filter((r) => r.path.endsWith('/search')).map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 429]);
  });

  it('does not see records changed within searchLagMs', async () => {
    await sandbox.stop();
    await startSandbox({ searchLagMs: 5000 });
    const client = await apiClient();
    const created = await client.crm.contacts.basicApi.create({ properties: { email: 'lag@example.com', firstname: 'Lag' }, associations: [] });
    const byEmail = { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'lag@example.com' }] }] as never };
    expect((await search(client, byEmail)).total).toBe(0);
    clock += 5000;
    expect((await search(client, byEmail)).results.map((c) => c.id)).toEqual([created.id]);
    await client.crm.contacts.batchApi.update({ inputs: [{ id: created.id, properties: { firstname: 'Later' } }] });
    expect((await search(client, byEmail)).total).toBe(0); // modified: out of the index until it catches up
    clock += 4999;
    expect((await search(client, byEmail)).total).toBe(0);
    clock += 1;
    expect((await search(client, byEmail)).results[0]!.properties.firstname).toBe('Later');
  });
});

describe('search: defaults and the burst window', () => {
  it('lags writes by a few seconds unless told otherwise', async () => {
    await sandbox.stop();
    sandbox = createHubSpotSandbox({ now: () => clock }); // the default lag
    await sandbox.start();
    const client = await apiClient();
    const created = await client.crm.contacts.basicApi.create({ properties: { email: 'd@example.com' }, associations: [] });
    expect((await search(client, {})).total).toBe(0);
    clock += 3000;
    expect((await search(client, {})).results.map((c) => c.id)).toEqual([created.id]);
  });

  it('does not count searches in the burst window by default; can be told to', async () => {
    const token = await accessToken();
    const list = () => fetch(`${sandbox.url}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${token}` } });
    sandbox.setRateLimit({ max: 1, intervalMs: 10_000 });
    expect((await list()).status).toBe(200);
    expect((await rawSearch(token, {})).status).toBe(200); // the burst window is full, search is not in it
    const refused = await list();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');

    await sandbox.stop();
    await startSandbox({ searchCountsTowardBurst: true });
    const token2 = await accessToken();
    sandbox.setRateLimit({ max: 1, intervalMs: 10_000 });
    expect((await rawSearch(token2, {})).status).toBe(200);
    const second = await fetch(`${sandbox.url}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${token2}` } });
    expect(second.status).toBe(429);
    expect(((await second.json()) as { policyName: string }).policyName).toBe('TEN_SECONDLY_ROLLING');
  });
});

describe('search: deals', () => {
  it('searches deals by amount and stage with the deal default properties', async () => {
    const [contact] = sandbox.seedContacts([{ email: 'buyer@example.com' }]);
    sandbox.createDeal({ dealname: 'Small', amount: '100', dealstage: 'appointmentscheduled' }, [contact!]);
    sandbox.createDeal({ dealname: 'Big', amount: '5000', dealstage: 'closedwon' });
    sandbox.createDeal({ dealname: 'Mid', amount: '750.5', dealstage: 'contractsent' });
    const client = await apiClient();
    const res = await client.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'GT', value: '500' }] }],
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }] as never,
    } as never);
    expect(res.total).toBe(2);
    expect(res.results.map((d) => d.properties.dealname)).toEqual(['Big', 'Mid']);
    expect(Object.keys(res.results[0]!.properties).sort()).toEqual(['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline']);
    expect(res.results[0]!.properties).toMatchObject({ pipeline: 'default', dealstage: 'closedwon', amount: '5000' });
    const token = await accessToken(['oauth', 'crm.objects.contacts.read']);
    expect((await rawSearch(token, {}, 'deals')).status).toBe(403);
  });
});
