// Webhooks from the HubSpot sandbox to a real local receiver: payload fields, v3 signature
// (checked with node:crypto as HubSpot documents it, and with the SDK's helper), batching,
// retries, and the events (with their effects on reads) of merges, deletions, restores and
// GDPR deletions.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Signature } from '@hubspot/api-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../../connectors/hubspot/sandbox/index.ts';

const REDIRECT = 'http://localhost:3000/oauth/callback';
const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.deals.read'];

type Event = Record<string, unknown> & { eventId: number; subscriptionType: string; objectId: number; attemptNumber: number };
interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  events: Event[];
}

let clock = 0;
let sandbox: HubSpotSandbox;
let receiver: { url: string; received: Received[]; close(): Promise<void> };
/** Status (and optional delay) the receiver answers request n (1-based) with. */
let respond: (n: number) => { status: number; delayMs?: number };

async function startReceiver(): Promise<typeof receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, events: JSON.parse(raw) as Event[] });
      const { status, delayMs = 0 } = respond(received.length);
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    // A path and a query string: the signature covers the full URI.
    url: `http://127.0.0.1:${port}/hubspot/webhooks?source=sandbox`,
    received,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function startSandbox(options: HubSpotSandboxOptions = {}): Promise<void> {
  sandbox = createHubSpotSandbox({ now: () => clock, ...options });
  await sandbox.start();
}

beforeEach(async () => {
  // Near real time: the SDK's signature helper rejects timestamps older than 5 minutes.
  clock = Date.now();
  respond = () => ({ status: 200 });
  receiver = await startReceiver();
  await startSandbox();
});
afterEach(async () => {
  await sandbox.stop();
  await receiver.close();
});

async function apiClient(): Promise<Client> {
  const q = new URLSearchParams({ client_id: sandbox.clientId, redirect_uri: REDIRECT, scope: SCOPES.join(' ') });
  const res = await fetch(`${sandbox.url}/oauth/authorize?${q}`, { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokens = await new Client({ basePath: sandbox.url }).oauth.tokensApi.create('authorization_code', code, REDIRECT, sandbox.clientId, sandbox.clientSecret);
  return new Client({ accessToken: tokens.accessToken, basePath: sandbox.url });
}

const allEvents = () => receiver.received.flatMap((r) => r.events);
const ofType = (type: string) => allEvents().filter((e) => e.subscriptionType === type);

/** HubSpot's documented v3 check: base64 HMAC-SHA256 of method + URI + body + timestamp. */
function verifiesV3(r: Received, secret: string, uri: string): boolean {
  const timestamp = String(r.headers['x-hubspot-request-timestamp']);
  const expected = createHmac('sha256', secret).update(`POST${uri}${r.raw}${timestamp}`).digest();
  const given = Buffer.from(String(r.headers['x-hubspot-signature-v3']), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhook delivery', () => {
  it('sends API and UI changes as one signed JSON array with HubSpot fields', async () => {
    sandbox.configureWebhooks({ targetUrl: receiver.url, batchWindowMs: 10_000 });
    const client = await apiClient();
    const created = await client.crm.contacts.basicApi.create({ properties: { email: 'hook@example.com', lastname: 'Hook' }, associations: [] });
    await client.crm.contacts.batchApi.update({ inputs: [{ id: created.id, properties: { firstname: 'Hana', lastname: 'Hook' } }] });
    sandbox.updateContact(created.id, { lifecyclestage: 'customer' });
    await sandbox.flushWebhooks();

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers['content-type']).toBe('application/json');
    expect(verifiesV3(request!, sandbox.clientSecret, receiver.url)).toBe(true);
    expect(verifiesV3(request!, 'another-secret', receiver.url)).toBe(false);
    expect(request!.headers['x-hubspot-request-timestamp']).toBe(String(clock));
    expect(Signature.isValid({
      signatureVersion: 'v3', method: 'POST', url: receiver.url, clientSecret: sandbox.clientSecret, requestBody: request!.raw,
      signature: String(request!.headers['x-hubspot-signature-v3']), timestamp: Number(request!.headers['x-hubspot-request-timestamp']),
    })).toBe(true);
    expect(request!.headers['x-hubspot-signature']).toBe(createHash('sha256').update(sandbox.clientSecret + request!.raw).digest('hex'));

    const events = request!.events;
    // lastname was sent unchanged: only real changes produce propertyChange events.
    expect(events.map((e) => [e.subscriptionType, e.propertyName, e.changeSource])).toEqual([
      ['contact.creation', undefined, 'INTEGRATION'],
      ['contact.propertyChange', 'firstname', 'INTEGRATION'],
      ['contact.propertyChange', 'lifecyclestage', 'CRM_UI'],
    ]);
    expect(events[0]).toEqual({
      eventId: expect.any(Number), subscriptionId: expect.any(Number), portalId: sandbox.portalId, appId: 1001, occurredAt: clock,
      subscriptionType: 'contact.creation', attemptNumber: 0, objectId: Number(created.id), changeSource: 'INTEGRATION', changeFlag: 'NEW', sourceId: '1001',
    });
    expect(events[1]).toMatchObject({ objectId: Number(created.id), propertyName: 'firstname', propertyValue: 'Hana' });
    expect(events[2]).toMatchObject({ propertyValue: 'customer', sourceId: 'userId:5001' });
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
    expect(sandbox.webhookDeliveries).toEqual([{ at: clock, status: 200, events: 3, attempt: 0 }]);
  });

  it('signs the URI with the percent-escapes HubSpot decodes (%3A → :) decoded', async () => {
    const targetUrl = receiver.url.replace('/hubspot/webhooks', '/hubspot/a%3Ab%20c');
    sandbox.configureWebhooks({ targetUrl });
    sandbox.createDeal({ dealname: 'Escaped' });
    await sandbox.flushWebhooks();
    const [request] = receiver.received;
    expect(verifiesV3(request!, sandbox.clientSecret, targetUrl.replace('%3A', ':'))).toBe(true);
    expect(verifiesV3(request!, sandbox.clientSecret, targetUrl)).toBe(false);
  });

  it('sends at most 100 events per request and only subscribed types', async () => {
    const ids = sandbox.seedContacts(Array.from({ length: 150 }, (_, i) => ({ email: `c${i}@example.com` })));
    sandbox.configureWebhooks({ targetUrl: receiver.url, batchWindowMs: 10_000, subscriptions: ['contact.propertyChange:firstname', 'deal.creation'] });
    const client = await apiClient();
    for (const chunk of [ids.slice(0, 100), ids.slice(100)]) {
      await client.crm.contacts.batchApi.update({ inputs: chunk.map((id) => ({ id, properties: { firstname: 'F', lastname: 'L' } })) });
    }
    sandbox.createDeal({ dealname: 'D' });
    await sandbox.flushWebhooks();
    expect(receiver.received.map((r) => r.events.length)).toEqual([100, 51]);
    expect(ofType('contact.propertyChange').every((e) => e.propertyName === 'firstname')).toBe(true);
    expect(ofType('deal.creation')).toHaveLength(1);
    expect(new Set(ofType('contact.propertyChange').map((e) => e.subscriptionId)).size).toBe(1);
  });

  it('retries a 500 with the same eventIds and attemptNumber 1, signed again', async () => {
    respond = (n) => ({ status: n === 1 ? 500 : 200 });
    sandbox.configureWebhooks({ targetUrl: receiver.url, retryDelayMs: 10 });
    const [id] = sandbox.seedContacts([{ email: 'r@example.com' }]);
    sandbox.updateContact(id!, { firstname: 'Retry', lastname: 'Me' });
    await sandbox.flushWebhooks();
    const [first, second] = receiver.received;
    expect(receiver.received).toHaveLength(2);
    expect(second!.events.map((e) => e.eventId)).toEqual(first!.events.map((e) => e.eventId));
    expect(first!.events.map((e) => e.attemptNumber)).toEqual([0, 0]);
    expect(second!.events.map((e) => e.attemptNumber)).toEqual([1, 1]);
    expect(verifiesV3(second!, sandbox.clientSecret, receiver.url)).toBe(true);
    expect(sandbox.webhookDeliveries.map((d) => [d.status, d.attempt, d.events])).toEqual([[500, 0, 2], [200, 1, 2]]);
  });

  it('retries timeouts and 429s up to maxRetries, and never a 4xx', async () => {
    const [id] = sandbox.seedContacts([{ email: 't@example.com' }]);
    // The prompt answers must beat the timeout even on a busy machine: a wide gap, not 100 ms.
    respond = (n) => (n === 1 ? { status: 200, delayMs: 4000 } : n === 2 ? { status: 429 } : { status: 503 });
    sandbox.configureWebhooks({ targetUrl: receiver.url, retryDelayMs: 5, maxRetries: 3, timeoutMs: 1500 });
    sandbox.updateContact(id!, { firstname: 'A' });
    await sandbox.flushWebhooks();
    expect(sandbox.webhookDeliveries.map((d) => [d.status, d.attempt])).toEqual([[0, 0], [429, 1], [503, 2], [503, 3]]);

    sandbox.webhookDeliveries.length = 0;
    respond = () => ({ status: 400 });
    sandbox.updateContact(id!, { firstname: 'B' });
    await sandbox.flushWebhooks();
    expect(sandbox.webhookDeliveries.map((d) => [d.status, d.attempt])).toEqual([[400, 0]]);
  });
});

describe('record lifecycle events', () => {
  it('merge: a new record replaces both, old ids resolve to it, and contact.merge names all three', async () => {
    sandbox.configureWebhooks({ targetUrl: receiver.url, batchWindowMs: 10_000 });
    const [ann, bob, cid] = sandbox.seedContacts([
      { email: 'ann@example.com', firstname: 'Ann' },
      { email: 'bob@example.com', firstname: 'Bob', lastname: 'Builder', jobtitle: 'Builder' },
      { email: 'cid@example.com' },
    ]);
    const dealId = sandbox.createDeal({ dealname: 'Shared' }, [ann!, bob!, cid!]);
    const merged = sandbox.mergeContacts(ann!, bob!);
    await sandbox.flushWebhooks();

    expect(merged).not.toBe(ann);
    expect(Number(merged)).toBeGreaterThan(Number(cid));
    expect(ofType('contact.merge')).toEqual([expect.objectContaining({
      objectId: Number(ann), primaryObjectId: Number(ann), mergedObjectIds: [Number(bob)], newObjectId: Number(merged),
      numberOfPropertiesMoved: 2, changeSource: 'CRM_UI', attemptNumber: 0,
    })]);
    expect(ofType('contact.deletion').map((e) => e.objectId)).toEqual([Number(bob)]);
    expect(ofType('deal.creation').map((e) => e.objectId)).toEqual([Number(dealId)]);

    // The primary's values win; the secondary fills the gaps.
    expect(sandbox.getContact(merged)!.properties).toMatchObject({
      email: 'ann@example.com', firstname: 'Ann', lastname: 'Builder', jobtitle: 'Builder',
      hs_merged_object_ids: `${ann};${bob}`, hs_additional_emails: 'bob@example.com',
    });
    expect(sandbox.getContact(ann!)).toBeUndefined();
    expect(sandbox.getContact(bob!)).toBeUndefined();
    const client = await apiClient();
    expect((await client.crm.contacts.getAll()).map((c) => c.id)).toEqual([cid, merged]);
    expect((await client.crm.contacts.basicApi.getById(bob!)).id).toBe(merged); // HubSpot resolves merged-away ids
    expect(sandbox.getDeal(dealId)!.contactIds).toEqual([merged, cid]);
  });

  it('merged-away ids can be made to 404 instead (mergedIdsResolve: false)', async () => {
    await sandbox.stop();
    await startSandbox({ mergedIdsResolve: false });
    const [ann, bob] = sandbox.seedContacts([{ email: 'a@example.com' }, { email: 'b@example.com' }]);
    const merged = sandbox.mergeContacts(ann!, bob!);
    const client = await apiClient();
    await expect(client.crm.contacts.basicApi.getById(ann!)).rejects.toMatchObject({ code: 404 });
    const read = await client.crm.contacts.batchApi.read({ inputs: [{ id: bob! }, { id: merged }], properties: [], propertiesWithHistory: [] });
    expect(read.results.map((c) => c.id)).toEqual([merged]);
    expect('errors' in read && read.errors?.[0]?.context).toEqual({ ids: [bob] });
  });

  it('delete archives (404, listed as archived), restore brings it back, GDPR delete is for good', async () => {
    sandbox.configureWebhooks({ targetUrl: receiver.url, batchWindowMs: 10_000 });
    const [keep, gone] = sandbox.seedContacts([{ email: 'keep@example.com' }, { email: 'gone@example.com' }]);
    const dealId = sandbox.createDeal({ dealname: 'D' }, [keep!, gone!]);
    const client = await apiClient();

    sandbox.deleteContact(keep!);
    await expect(client.crm.contacts.basicApi.getById(keep!)).rejects.toMatchObject({ code: 404 });
    const archived = await client.crm.contacts.basicApi.getPage(10, undefined, undefined, undefined, undefined, true);
    expect(archived.results.map((c) => [c.id, c.archived])).toEqual([[keep, true]]);
    expect(archived.results[0]!.archivedAt).toBeInstanceOf(Date);
    expect(sandbox.getDeal(dealId)!.contactIds).toEqual([gone]);

    sandbox.restoreContact(keep!);
    expect((await client.crm.contacts.basicApi.getById(keep!)).id).toBe(keep);
    expect((await client.crm.contacts.getAll()).map((c) => c.id)).toEqual([keep, gone]);
    expect(sandbox.getDeal(dealId)!.contactIds).toEqual([keep, gone]);

    sandbox.privacyDeleteContact(gone!);
    await expect(client.crm.contacts.basicApi.getById(gone!)).rejects.toMatchObject({ code: 404 });
    expect(() => sandbox.restoreContact(gone!)).toThrow();
    expect(sandbox.getDeal(dealId)!.contactIds).toEqual([keep]);

    sandbox.updateDeal(dealId, { amount: '42' });
    sandbox.deleteDeal(dealId);
    await sandbox.flushWebhooks();
    expect(allEvents().map((e) => [e.subscriptionType, e.objectId])).toEqual([
      ['deal.creation', Number(dealId)],
      ['contact.deletion', Number(keep)],
      ['contact.restore', Number(keep)],
      ['contact.privacyDeletion', Number(gone)],
      ['deal.propertyChange', Number(dealId)],
      ['deal.deletion', Number(dealId)],
    ]);
    expect(ofType('deal.propertyChange')[0]).toMatchObject({ propertyName: 'amount', propertyValue: '42' });
    expect(ofType('contact.deletion')[0]!.changeFlag).toBe('DELETED');
    await expect(client.crm.deals.basicApi.getById(dealId)).rejects.toMatchObject({ code: 404 });
  });
});
