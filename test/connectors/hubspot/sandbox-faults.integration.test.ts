// Fault injection and runtime rate limits in the HubSpot sandbox: seeded, repeatable ratios;
// injected 429s indistinguishable from real ones; gateway 5xx bodies; no partial writes; OAuth
// and unauthenticated calls never faulted; everything recorded with `injected: true`.
import { Client } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox/index.ts';

const REDIRECT = 'http://localhost:3000/oauth/callback';
const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write'];

let clock = Date.parse('2026-04-04T04:00:00.000Z');
let sandbox: HubSpotSandbox;
let token: string;

async function accessToken(): Promise<string> {
  const q = new URLSearchParams({ client_id: sandbox.clientId, redirect_uri: REDIRECT, scope: SCOPES.join(' ') });
  const res = await fetch(`${sandbox.url}/oauth/authorize?${q}`, { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokens = await new Client({ basePath: sandbox.url }).oauth.tokensApi.create('authorization_code', code, REDIRECT, sandbox.clientId, sandbox.clientSecret);
  return tokens.accessToken;
}

beforeEach(async () => {
  sandbox = createHubSpotSandbox({ now: () => clock });
  await sandbox.start();
  token = await accessToken();
});
afterEach(async () => {
  await sandbox.stop();
});

const list = (bearer = token) => fetch(`${sandbox.url}/crm/v3/objects/contacts?limit=1`, { headers: { authorization: `Bearer ${bearer}` } });

async function statuses(n: number, concurrency = 1): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i += concurrency) {
    const batch = await Promise.all(Array.from({ length: Math.min(concurrency, n - i) }, async () => {
      const res = await list();
      await res.arrayBuffer();
      return res.status;
    }));
    out.push(...batch);
  }
  return out;
}

describe('setFaults', () => {
  it('injects 429s and 5xx at the configured rates, repeatably for a seed', async () => {
    sandbox.setRateLimit({ max: 1_000_000, intervalMs: 10_000 }); // only injected 429s here
    sandbox.setFaults({ rate429: 0.1, rate5xx: 0.05, seed: 42 });
    const seen = await statuses(2000, 25);
    const count = (s: number) => seen.filter((x) => x === s).length;
    // Binomial standard deviations are ≈ 13 and ≈ 10: these bounds are > 3.5 sd wide.
    expect(count(429)).toBeGreaterThan(200 - 50);
    expect(count(429)).toBeLessThan(200 + 50);
    expect(count(502) + count(503)).toBeGreaterThan(100 - 35);
    expect(count(502) + count(503)).toBeLessThan(100 + 35);
    expect(count(502)).toBeGreaterThan(20);
    expect(count(503)).toBeGreaterThan(20);
    expect(count(200) + count(429) + count(502) + count(503)).toBe(2000);
    const injected = sandbox.requests.filter((r) => r.injected);
    expect(injected).toHaveLength(2000 - count(200));
    expect(injected.every((r) => [429, 502, 503].includes(r.status))).toBe(true);

    sandbox.setFaults({ rate429: 0.1, rate5xx: 0.05, seed: 42 });
    const first = await statuses(200);
    sandbox.setFaults({ rate429: 0.1, rate5xx: 0.05, seed: 42 });
    expect(await statuses(200)).toEqual(first);
    sandbox.setFaults({ rate429: 0.1, rate5xx: 0.05, seed: 7 });
    expect(await statuses(200)).not.toEqual(first);
    sandbox.setFaults({});
    expect(new Set(await statuses(50))).toEqual(new Set([200]));
    expect(() => sandbox.setFaults({ rate429: 0.8, rate5xx: 0.3 })).toThrow();
  });

  it('makes an injected 429 look exactly like a real TEN_SECONDLY_ROLLING one', async () => {
    sandbox.setRateLimit({ max: 1, intervalMs: 10_000 });
    await list(); // spends the budget
    const real = await list();
    sandbox.setFaults({ rate429: 1 });
    clock += 10_000; // a fresh window: only the injection can refuse now
    const fake = await list();
    expect([real.status, fake.status]).toEqual([429, 429]);
    const [realBody, fakeBody] = [await real.json(), await fake.json()] as Array<Record<string, unknown>>;
    expect({ ...fakeBody, correlationId: 'x' }).toEqual({ ...realBody, correlationId: 'x' });
    expect(fakeBody).toMatchObject({ status: 'error', message: 'You have reached your ten_secondly_rolling limit.', policyName: 'TEN_SECONDLY_ROLLING' });
    const headers = (r: Response) => Object.fromEntries([...r.headers].filter(([k]) => k.startsWith('x-hubspot') || k === 'retry-after'));
    expect(headers(fake)).toEqual(headers(real));
    expect(headers(fake)).toEqual({ 'x-hubspot-ratelimit-max': '1', 'x-hubspot-ratelimit-remaining': '0', 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'retry-after': '10' });
    const log = sandbox.requests.filter((r) => r.path === '/crm/v3/objects/contacts');
    expect(log.map((r) => [r.status, r.injected ?? false])).toEqual([[200, false], [429, false], [429, true]]);
    // The injected refusal did not spend the new window's budget.
    sandbox.setFaults({});
    expect((await list()).status).toBe(200);
  });

  it('answers gateway errors (502 HTML, 503 JSON) that the SDK surfaces as ApiException', async () => {
    sandbox.setFaults({ rate5xx: 1, seed: 3 });
    const bodies = new Map<number, { type: string | null; text: string }>();
    for (let i = 0; i < 20 && bodies.size < 2; i++) {
      const res = await list();
      bodies.set(res.status, { type: res.headers.get('content-type'), text: await res.text() });
    }
    expect(bodies.get(502)?.type).toMatch(/text\/html/);
    expect(bodies.get(502)?.text).toContain('<title>502 Bad Gateway</title>');
    expect(bodies.get(503)?.type).toMatch(/application\/json/);
    expect(JSON.parse(bodies.get(503)!.text)).toMatchObject({ status: 'error', category: 'SERVICE_UNAVAILABLE' });
    const client = new Client({ accessToken: token, basePath: sandbox.url });
    await expect(client.crm.contacts.basicApi.getPage()).rejects.toMatchObject({ code: expect.any(Number) });
    const lastStatus = sandbox.requests.at(-1)!.status;
    expect([502, 503]).toContain(lastStatus);
  });

  it('decides before the request does anything: no partial writes; OAuth and bad tokens are never faulted', async () => {
    const [id] = sandbox.seedContacts([{ email: 'safe@example.com', firstname: 'Safe' }]);
    const client = new Client({ accessToken: token, basePath: sandbox.url });
    sandbox.setFaults({ rate429: 0.5, rate5xx: 0.5 });
    for (let i = 0; i < 10; i++) {
      await expect(client.crm.contacts.batchApi.update({ inputs: [{ id: id!, properties: { firstname: `Changed${i}` } }] })).rejects.toBeDefined();
    }
    expect(sandbox.getContact(id!)!.properties.firstname).toBe('Safe');
    expect(sandbox.requests.filter((r) => r.path.endsWith('/batch/update')).every((r) => r.injected && r.body === undefined)).toBe(true);

    expect(await accessToken()).toMatch(/^CK/); // authorize + token exchange still work
    const stranger = await list('not-a-token');
    expect(stranger.status).toBe(401);
    expect(sandbox.requests.at(-1)!.injected).toBeUndefined();
  });

  it('adds latency to authenticated CRM calls only', async () => {
    // A lower bound on the delayed call and an ordering for the other: load only slows both.
    sandbox.setFaults({ latencyMs: 2000 });
    const order: string[] = [];
    const started = performance.now();
    const crm = list().then((res) => (order.push('crm'), { res, ms: performance.now() - started }));
    const oauth = fetch(`${sandbox.url}/oauth/v1/access-tokens/${token}`).then((res) => (order.push('oauth'), res));
    const [{ res, ms }] = await Promise.all([crm, oauth]);
    expect(res.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(1990);
    expect(order).toEqual(['oauth', 'crm']);
  });
});

describe('setRateLimit', () => {
  it('changes the burst budget at runtime and the headers follow', async () => {
    expect((await list()).headers.get('x-hubspot-ratelimit-max')).toBe('100');
    sandbox.setRateLimit({ max: 3, intervalMs: 2000 });
    const res = await list();
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('3');
    expect(res.headers.get('x-hubspot-ratelimit-remaining')).toBe('1'); // the first call is still in the window
    expect((await list()).status).toBe(200);
    expect((await list()).status).toBe(429);
    clock += 2000;
    expect((await list()).status).toBe(200);
    expect(() => sandbox.setRateLimit({ max: 0, intervalMs: 1000 })).toThrow();
  });
});
