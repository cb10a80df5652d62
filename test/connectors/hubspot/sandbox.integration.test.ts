// Drives the HubSpot sandbox with the real @hubspot/api-client (only basePath changed) and with
// plain fetch where the SDK hides what HubSpot sends (redirects, OAuth status strings, 429 bodies:
// the SDK's Error model keeps category/message/errors but drops `status` and `policyName`).
import { Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../../connectors/hubspot/sandbox/index.ts';

const REDIRECT = 'http://localhost:3000/oauth/callback';
const ALL_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
];
const T0 = Date.parse('2026-01-05T09:00:00.000Z');

type PropertyCreate = Parameters<Client['crm']['properties']['coreApi']['create']>[1];
interface SdkError {
  code: number;
  body: { category?: string; message?: string; errors?: Array<{ code?: string; context?: Record<string, string[]> }> };
  headers: Record<string, string>;
}

let clock = T0;
let sandbox: HubSpotSandbox;

async function startSandbox(options: HubSpotSandboxOptions = {}): Promise<void> {
  sandbox = createHubSpotSandbox({ now: () => clock, ...options });
  await sandbox.start();
}

beforeEach(async () => {
  clock = T0;
  await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
});

async function authorize(scopes = ALL_SCOPES, state?: string): Promise<Response> {
  const q = new URLSearchParams({ client_id: sandbox.clientId, redirect_uri: REDIRECT, scope: scopes.join(' ') });
  if (state !== undefined) q.set('state', state);
  return fetch(`${sandbox.url}/oauth/authorize?${q}`, { redirect: 'manual' });
}

async function authCode(scopes = ALL_SCOPES): Promise<string> {
  const res = await authorize(scopes);
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

const oauthClient = () => new Client({ basePath: sandbox.url });

async function connect(scopes = ALL_SCOPES) {
  const code = await authCode(scopes);
  return oauthClient().oauth.tokensApi.create('authorization_code', code, REDIRECT, sandbox.clientId, sandbox.clientSecret);
}

async function apiClient(scopes = ALL_SCOPES): Promise<Client> {
  const tokens = await connect(scopes);
  return new Client({ accessToken: tokens.accessToken, basePath: sandbox.url });
}

/** The rejection of a call that must fail, as the SDK's ApiException. */
async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

async function postToken(fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sandbox.url}/oauth/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const lastStatus = () => sandbox.requests[sandbox.requests.length - 1]!.status;

describe('OAuth', () => {
  it('authorize consents at once and redirects with a code and the state', async () => {
    const res = await authorize(ALL_SCOPES, 'csrf-123');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('code')).toMatch(/^[0-9a-f-]{36}$/);
    expect(location.searchParams.get('state')).toBe('csrf-123');
    expect(new URL((await authorize()).headers.get('location')!).searchParams.has('state')).toBe(false);
  });

  it('authorize answers 400 pages for an unknown client, a relative redirect and unknown scopes', async () => {
    const page = (q: Record<string, string>) => fetch(`${sandbox.url}/oauth/authorize?${new URLSearchParams(q)}`, { redirect: 'manual' });
    const base = { client_id: sandbox.clientId, redirect_uri: REDIRECT, scope: 'oauth' };
    for (const q of [{ ...base, client_id: 'other' }, { ...base, redirect_uri: '/cb' }, { ...base, scope: 'oauth contacts' }, { ...base, scope: '' }]) {
      const res = await page(q);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
  });

  it('exchanges a code for 30-minute tokens of the portal, once', async () => {
    const code = await authCode();
    const tokens = await oauthClient().oauth.tokensApi.create('authorization_code', code, REDIRECT, sandbox.clientId, sandbox.clientSecret);
    expect(tokens.expiresIn).toBe(1800);
    expect(tokens.tokenType).toBe('bearer');
    expect(tokens.refreshToken).toMatch(/^na1-/);

    const info = await oauthClient().oauth.accessTokensApi.get(tokens.accessToken);
    expect(info.hubId).toBe(62515);
    expect(info.appId).toBe(1001);
    expect(info.expiresIn).toBe(1800);
    expect(info.scopes).toEqual(ALL_SCOPES);

    const again = await failure(oauthClient().oauth.tokensApi.create('authorization_code', code, REDIRECT, sandbox.clientId, sandbox.clientSecret));
    expect(again.code).toBe(400);
    const raw = await postToken({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: sandbox.clientId, client_secret: sandbox.clientSecret });
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ status: 'BAD_AUTH_CODE', error: 'invalid_grant' });
    expect(raw.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names each bad token request the way HubSpot does', async () => {
    const code = await authCode();
    const good = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: sandbox.clientId, client_secret: sandbox.clientSecret };
    expect((await postToken({ ...good, grant_type: 'password' })).body.status).toBe('BAD_GRANT_TYPE');
    expect((await postToken({ ...good, client_id: 'nope' })).body.status).toBe('BAD_CLIENT_ID');
    expect((await postToken({ ...good, client_secret: 'nope' })).body.status).toBe('BAD_CLIENT_SECRET');
    expect((await postToken({ ...good, redirect_uri: 'http://localhost:3000/other' })).body.status).toBe('BAD_REDIRECT_URI');
    clock += 10 * 60 * 1000; // codes live 10 minutes
    expect((await postToken(good)).body.status).toBe('BAD_AUTH_CODE');
  });

  it('refresh returns a new access token and the same refresh token', async () => {
    const first = await connect();
    const refreshed = await oauthClient().oauth.tokensApi.create('refresh_token', undefined, undefined, sandbox.clientId, sandbox.clientSecret, first.refreshToken);
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(refreshed.refreshToken).toBe(first.refreshToken);
    expect(refreshed.expiresIn).toBe(1800);
    expect(sandbox.requests.at(-1)).toMatchObject({ path: '/oauth/v1/token', status: 200, grantType: 'refresh_token', portalId: 62515 });
  });

  it('a revoked refresh token gets 400 BAD_REFRESH_TOKEN', async () => {
    const { refreshToken } = await connect();
    sandbox.revokeRefreshTokens();
    const error = await failure(oauthClient().oauth.tokensApi.create('refresh_token', undefined, undefined, sandbox.clientId, sandbox.clientSecret, refreshToken));
    expect(error.code).toBe(400);
    const raw = await postToken({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: sandbox.clientId, client_secret: sandbox.clientSecret });
    expect(raw).toMatchObject({ status: 400, body: { status: 'BAD_REFRESH_TOKEN', error: 'invalid_grant' } });
  });

  it('access tokens expire after 1800 s and can be expired at once: 401 EXPIRED_AUTHENTICATION', async () => {
    const client = await apiClient();
    await client.crm.contacts.basicApi.getPage();
    clock += 1800 * 1000;
    const expired = await failure(client.crm.contacts.basicApi.getPage());
    expect(expired.code).toBe(401);
    expect(expired.body.category).toBe('EXPIRED_AUTHENTICATION');
    expect(expired.body.message).toBe('The OAuth token used to make this call expired 0 second(s) ago.');
    expect((await fetch(`${sandbox.url}/oauth/v1/access-tokens/x`)).status).toBe(404);

    const fresh = await apiClient();
    sandbox.expireAccessTokens();
    expect((await failure(fresh.crm.contacts.basicApi.getPage())).body.category).toBe('EXPIRED_AUTHENTICATION');
  });

  it('unknown tokens get 401 INVALID_AUTHENTICATION and missing scopes 403 MISSING_SCOPES', async () => {
    const stranger = new Client({ accessToken: 'not-a-token', basePath: sandbox.url });
    const unknown = await failure(stranger.crm.contacts.basicApi.getPage());
    expect(unknown.code).toBe(401);
    expect(unknown.body.category).toBe('INVALID_AUTHENTICATION');
    expect(unknown.body.message).toMatch(/^Authentication credentials not found/);

    const readOnly = await apiClient(['oauth', 'crm.objects.contacts.read']);
    const denied = await failure(readOnly.crm.contacts.batchApi.update({ inputs: [{ id: '1', properties: { firstname: 'x' } }] }));
    expect(denied.code).toBe(403);
    expect(denied.body.category).toBe('MISSING_SCOPES');
    expect(denied.body.errors?.[0]?.context?.requiredGranularScopes).toEqual(['crm.objects.contacts.write']);
  });
});

describe('contacts', () => {
  it('pages through 250 seeded contacts 100 at a time', async () => {
    const ids = sandbox.seedContacts(Array.from({ length: 250 }, (_, i) => ({ email: `person${i}@example.com`, firstname: `P${i}` })));
    const client = await apiClient();
    const first = await client.crm.contacts.basicApi.getPage(100);
    expect(first.results).toHaveLength(100);
    expect(first.results[0]!.properties).toMatchObject({ email: 'person0@example.com', firstname: 'P0', lastname: null, hs_object_id: ids[0] });
    const second = await client.crm.contacts.basicApi.getPage(100, first.paging!.next!.after);
    const third = await client.crm.contacts.basicApi.getPage(100, second.paging!.next!.after);
    expect(third.results).toHaveLength(50);
    expect(third.paging).toBeUndefined();
    const all = [...first.results, ...second.results, ...third.results].map((c) => c.id);
    expect(all).toEqual(ids);

    const viaGetAll = await client.crm.contacts.getAll(100, undefined, ['lifecyclestage']);
    expect(viaGetAll).toHaveLength(250);
    expect(Object.keys(viaGetAll[0]!.properties).sort()).toEqual(['createdate', 'hs_object_id', 'lastmodifieddate', 'lifecyclestage']);
    expect(viaGetAll[0]!.properties.lifecyclestage).toBeNull();

    expect((await failure(client.crm.contacts.basicApi.getPage(101))).code).toBe(400);
  });

  it('batch-updates 100 contacts and rejects 101 with 400', async () => {
    const ids = sandbox.seedContacts(Array.from({ length: 101 }, (_, i) => ({ email: `u${i}@example.com` })));
    const client = await apiClient();
    clock += 60_000;
    const ok = await client.crm.contacts.batchApi.update({ inputs: ids.slice(0, 100).map((id) => ({ id, properties: { lifecyclestage: 'lead' } })) });
    expect(ok.status).toBe('COMPLETE');
    expect(ok.results).toHaveLength(100);
    expect(ok.results[0]!.properties).toEqual({ lifecyclestage: 'lead' });
    expect(sandbox.getContact(ids[0]!)!.properties.lifecyclestage).toBe('lead');
    expect(sandbox.getContact(ids[0]!)!.updatedAt).toBe(new Date(T0 + 60_000).toISOString());

    const tooMany = await failure(client.crm.contacts.batchApi.update({ inputs: ids.map((id) => ({ id, properties: { lifecyclestage: 'customer' } })) }));
    expect(tooMany.code).toBe(400);
    expect(tooMany.body.category).toBe('VALIDATION_ERROR');
    expect(sandbox.getContact(ids[0]!)!.properties.lifecyclestage).toBe('lead');
  });

  it('rejects the whole batch for a property that does not exist', async () => {
    const [a, b] = sandbox.seedContacts([{ email: 'a@example.com' }, { email: 'b@example.com' }]);
    const client = await apiClient();
    const error = await failure(client.crm.contacts.batchApi.update({
      inputs: [{ id: a!, properties: { firstname: 'Ann' } }, { id: b!, properties: { sway_nope: '1' } }],
    }));
    expect(error.code).toBe(400);
    expect(error.body.category).toBe('VALIDATION_ERROR');
    expect(error.body.message).toMatch(/^Property values were not valid: /);
    expect(error.body.errors).toEqual([{ message: 'Property "sway_nope" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['sway_nope'] } }]);
    expect(sandbox.getContact(a!)!.properties.firstname).toBeUndefined();
  });

  it('takes only string values, checks them against the property type, and clears with ""', async () => {
    const [id] = sandbox.seedContacts([{ email: 'v@example.com', firstname: 'Val' }]);
    const client = await apiClient();
    const create = (p: Record<string, unknown>) => client.crm.properties.coreApi.create('contacts', { groupName: 'contactinformation', ...p } as PropertyCreate);
    await create({ name: 'sway_score', label: 'Score', type: 'number', fieldType: 'number' });
    await create({ name: 'sway_opt_in', label: 'Opt in', type: 'bool', fieldType: 'booleancheckbox', options: [{ label: 'Yes', value: 'true', hidden: false }, { label: 'No', value: 'false', hidden: false }] });
    const update = (properties: Record<string, unknown>) =>
      client.crm.contacts.batchApi.update({ inputs: [{ id: id!, properties: properties as Record<string, string> }] });

    for (const bad of [{ sway_score: 42 }, { sway_score: 'high' }, { sway_opt_in: 'yes' }, { lifecyclestage: 'champion' }, { firstname: null }]) {
      const error = await failure(update(bad));
      expect(error.code, JSON.stringify(bad)).toBe(400);
    }
    expect((await failure(update({ lifecyclestage: 'champion' }))).body.errors?.[0]?.code).toBe('INVALID_OPTION');

    await update({ sway_score: '42.5', sway_opt_in: 'true', lifecyclestage: 'customer', firstname: '' });
    const stored = sandbox.getContact(id!)!.properties;
    expect(stored).toMatchObject({ sway_score: '42.5', sway_opt_in: 'true', lifecyclestage: 'customer' });
    expect(stored.firstname).toBeUndefined();
    const read = await client.crm.contacts.basicApi.getPage(10, undefined, ['firstname', 'sway_score']);
    expect(read.results[0]!.properties).toMatchObject({ firstname: null, sway_score: '42.5' });
  });

  it('answers 207 for unknown ids and updates the rest', async () => {
    const [known] = sandbox.seedContacts([{ email: 'k@example.com' }]);
    const client = await apiClient();
    const res = await client.crm.contacts.batchApi.update({
      inputs: [{ id: known!, properties: { firstname: 'Kim' } }, { id: '999999', properties: { firstname: 'Ghost' } }],
    });
    expect(lastStatus()).toBe(207);
    expect(res.results.map((r) => r.id)).toEqual([known]);
    expect('numErrors' in res && res.numErrors).toBe(1);
    const errors = 'errors' in res ? res.errors : undefined;
    expect(errors?.[0]).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { ids: ['999999'] } });
    expect(sandbox.getContact(known!)!.properties.firstname).toBe('Kim');

    const read = await client.crm.contacts.batchApi.read({ inputs: [{ id: known! }, { id: '424242' }], properties: ['firstname'], propertiesWithHistory: [] });
    expect(lastStatus()).toBe(207);
    expect(read.results[0]!.properties.firstname).toBe('Kim');
    const byEmail = await client.crm.contacts.batchApi.read({ inputs: [{ id: 'K@example.com' }], properties: [], propertiesWithHistory: [], idProperty: 'email' });
    expect(lastStatus()).toBe(200);
    expect(byEmail.results[0]!.id).toBe(known);
  });

  it('batch create makes contacts and refuses an existing email with 409', async () => {
    const client = await apiClient();
    const created = await client.crm.contacts.batchApi.create({ inputs: [{ properties: { email: 'New@Example.com', firstname: 'New' }, associations: [] }] });
    expect(lastStatus()).toBe(201);
    const id = created.results[0]!.id;
    expect(sandbox.getContact(id)!.properties.email).toBe('new@example.com');
    const conflict = await failure(client.crm.contacts.batchApi.create({ inputs: [{ properties: { email: 'new@example.com' }, associations: [] }] }));
    expect(conflict.code).toBe(409);
    expect(conflict.body).toMatchObject({ category: 'CONFLICT', message: `Contact already exists. Existing ID: ${id}` });
  });
});

describe('properties', () => {
  it('creates a property (201) and refuses it again (409)', async () => {
    const client = await apiClient();
    const body = { name: 'sway_influence_score', label: 'Sway influence score', type: 'number', fieldType: 'number', groupName: 'contactinformation', description: 'From Sway' } as PropertyCreate;
    const created = await client.crm.properties.coreApi.create('contacts', body);
    expect(lastStatus()).toBe(201);
    expect(created).toMatchObject({ name: 'sway_influence_score', type: 'number', fieldType: 'number', hubspotDefined: false, archived: false });
    expect(sandbox.getProperty('contacts', 'sway_influence_score')).toMatchObject({ label: 'Sway influence score', groupName: 'contactinformation' });

    const again = await failure(client.crm.properties.coreApi.create('contacts', body));
    expect(again.code).toBe(409);
    expect(again.body).toMatchObject({ category: 'OBJECT_ALREADY_EXISTS', message: "Property named 'sway_influence_score' already exists." });
  });

  it('validates names, type/fieldType pairs, groups and bool options', async () => {
    const client = await apiClient();
    const ok = { name: 'sway_x', label: 'X', type: 'string', fieldType: 'text', groupName: 'contactinformation' };
    for (const bad of [
      { ...ok, name: 'Sway-X' },
      { ...ok, type: 'number', fieldType: 'text' },
      { ...ok, type: 'integer' },
      { ...ok, groupName: 'no_such_group' },
      { ...ok, type: 'bool', fieldType: 'booleancheckbox' },
    ]) {
      expect((await failure(client.crm.properties.coreApi.create('contacts', bad as PropertyCreate))).code, JSON.stringify(bad)).toBe(400);
    }
    expect(sandbox.getProperty('contacts', 'sway_x')).toBeUndefined();
  });

  it('lists built-ins with HubSpot lifecycle stages and answers 404 for unknown names', async () => {
    const client = await apiClient(['oauth', 'crm.objects.contacts.read']);
    const stage = await client.crm.properties.coreApi.getByName('contacts', 'lifecyclestage');
    expect(stage.options.map((o) => o.value)).toEqual(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']);
    const names = (await client.crm.properties.coreApi.getAll('contacts')).results.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['email', 'firstname', 'lastname', 'lifecyclestage', 'createdate', 'lastmodifieddate', 'hs_object_id']));
    expect((await failure(client.crm.properties.coreApi.getByName('contacts', 'sway_missing'))).code).toBe(404);
  });

  it('creates a group (201) and refuses it again (409)', async () => {
    const client = await apiClient();
    const groups = await client.crm.properties.groupsApi.getAll('contacts');
    expect(groups.results.map((g) => g.name)).toContain('contactinformation');
    const group = await client.crm.properties.groupsApi.create('contacts', { name: 'sway', label: 'Sway', displayOrder: 5 });
    expect(lastStatus()).toBe(201);
    expect(group).toEqual({ name: 'sway', label: 'Sway', displayOrder: 5, archived: false });
    const again = await failure(client.crm.properties.groupsApi.create('contacts', { name: 'sway', label: 'Sway' }));
    expect(again.code).toBe(409);
    expect(again.body.category).toBe('OBJECT_ALREADY_EXISTS');
  });
});

describe('rate limit', () => {
  it('lets 100 requests through in the window and answers the 101st with one 429', async () => {
    const client = await apiClient();
    sandbox.clearRequests();
    const outcomes = await Promise.all(
      Array.from({ length: 101 }, () => client.crm.contacts.basicApi.getPage(1).then(() => null, (e: SdkError) => e)),
    );
    const rejected = outcomes.filter((o): o is SdkError => o !== null);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.code).toBe(429);
    expect(rejected[0]!.headers).toMatchObject({
      'x-hubspot-ratelimit-max': '100',
      'x-hubspot-ratelimit-remaining': '0',
      'x-hubspot-ratelimit-interval-milliseconds': '10000',
    });
    expect(sandbox.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(sandbox.requests.filter((r) => r.status === 200)).toHaveLength(100);

    // The SDK's Error model drops policyName; read the body as HubSpot sends it.
    const raw = await fetch(`${sandbox.url}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${sandbox.requests[0]!.bearer}` } });
    expect(raw.status).toBe(429);
    expect(await raw.json()).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });

    clock += 10_000; // the window rolls on: rejected requests did not count
    const after = await client.crm.contacts.basicApi.getPageWithHttpInfo(1);
    expect(after.httpStatusCode).toBe(200);
    expect(after.headers['x-hubspot-ratelimit-remaining']).toBe('99');
  });

  it('uses the configured budget and leaves OAuth calls out of it', async () => {
    await sandbox.stop();
    await startSandbox({ rateLimit: { max: 2, intervalMs: 1000 } });
    const client = await apiClient();
    await client.crm.contacts.basicApi.getPage();
    await client.crm.contacts.basicApi.getPage();
    expect((await failure(client.crm.contacts.basicApi.getPage())).code).toBe(429);
    await connect(); // OAuth still works while the account's budget is spent
    clock += 1000;
    await client.crm.contacts.basicApi.getPage();
  });
});

describe('request log', () => {
  it('records every request in order with the status sent; seeding is not recorded', async () => {
    sandbox.seedContacts([{ email: 'seed@example.com' }]);
    expect(sandbox.requests).toHaveLength(0);
    const tokens = await connect();
    const client = new Client({ accessToken: tokens.accessToken, basePath: sandbox.url });
    await client.crm.contacts.basicApi.getPage(5, undefined, ['email']);
    await failure(client.crm.contacts.batchApi.update({ inputs: [{ id: '1', properties: { nope: 'x' } }] }));
    await fetch(`${sandbox.url}/crm/v3/objects/contacts/batch/update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json' },
      body: '{"inputs": [',
    });
    await fetch(`${sandbox.url}/no/such/route`);

    expect(sandbox.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/oauth/authorize', 302],
      ['POST', '/oauth/v1/token', 200],
      ['GET', '/crm/v3/objects/contacts', 200],
      ['POST', '/crm/v3/objects/contacts/batch/update', 400],
      ['POST', '/crm/v3/objects/contacts/batch/update', 400],
      ['GET', '/no/such/route', 404],
    ]);
    expect(sandbox.requests[1]).toMatchObject({ grantType: 'authorization_code', portalId: 62515 });
    expect(sandbox.requests[2]).toMatchObject({ at: T0, bearer: tokens.accessToken, portalId: 62515, query: { limit: '5', properties: 'email' } });
    expect(sandbox.requests[3]!.body).toEqual({ inputs: [{ id: '1', properties: { nope: 'x' } }] });
    sandbox.clearRequests();
    expect(sandbox.requests).toHaveLength(0);
  });
});
