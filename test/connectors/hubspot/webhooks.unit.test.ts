import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  HubSpotWebhookBatchSchema,
  signatureV3,
  signedUri,
  toChangeEvent,
  toChangeEvents,
  verifySignatureV3,
  type HubSpotWebhookEvent,
} from '../../../connectors/hubspot/webhooks.ts';
import { formatIssues } from '../../../src/domain/signals.ts';

const SECRET = 'client-secret-7f3a';
const URI = 'https://sway.example.com/webhooks/hubspot';
const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const BODY = JSON.stringify([{ eventId: 1, portalId: 62515, objectId: 101, subscriptionType: 'contact.creation' }]);

/** Signed independently of the code under test, exactly as HubSpot's guide describes. */
function hubspotSign(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

function check(over: Partial<Parameters<typeof verifySignatureV3>[0]> = {}) {
  const timestamp = String(NOW - 1000);
  return verifySignatureV3({
    clientSecret: SECRET,
    method: 'POST',
    uri: URI,
    rawBody: Buffer.from(BODY),
    timestamp,
    signature: hubspotSign(SECRET, 'POST', URI, BODY, timestamp),
    nowMs: NOW,
    ...over,
  });
}

describe('verifySignatureV3', () => {
  it('accepts a request signed as HubSpot signs it (Buffer or string body)', () => {
    expect(check()).toEqual({ ok: true });
    expect(check({ rawBody: BODY })).toEqual({ ok: true });
  });

  it('rejects a body with one byte changed', () => {
    const forged = Buffer.from(BODY);
    forged[forged.indexOf('101')] = '2'.charCodeAt(0);
    expect(check({ rawBody: forged })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a signature made with another secret', () => {
    const timestamp = String(NOW);
    expect(check({ timestamp, signature: hubspotSign('other-secret', 'POST', URI, BODY, timestamp) })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a signature made for another URI or method', () => {
    expect(check({ uri: 'https://sway.example.com/webhooks/hubspot?x=1' })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check({ uri: 'http://sway.example.com/webhooks/hubspot' })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check({ method: 'PUT' })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a timestamp that is not the signed one', () => {
    expect(check({ timestamp: String(NOW - 2000) })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a replay older than 5 minutes, and a timestamp 5 minutes ahead, even with a valid signature', () => {
    const old = String(NOW - 300_001);
    expect(check({ timestamp: old, signature: hubspotSign(SECRET, 'POST', URI, BODY, old) })).toEqual({ ok: false, reason: 'stale' });
    const ahead = String(NOW + 300_001);
    expect(check({ timestamp: ahead, signature: hubspotSign(SECRET, 'POST', URI, BODY, ahead) })).toEqual({ ok: false, reason: 'stale' });
    const edge = String(NOW - 300_000);
    expect(check({ timestamp: edge, signature: hubspotSign(SECRET, 'POST', URI, BODY, edge) })).toEqual({ ok: true });
  });

  it('reports missing or unreadable headers as missing', () => {
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ signature: '' })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ timestamp: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ timestamp: 'yesterday' })).toEqual({ ok: false, reason: 'missing' });
  });

  it('rejects a signature of the wrong length without throwing', () => {
    expect(check({ signature: 'short' })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check({ signature: `${hubspotSign(SECRET, 'POST', URI, BODY, String(NOW - 1000))}=` })).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('decodes the percent-escapes HubSpot decodes before signing, and only those', () => {
    expect(signedUri('https://h.example/webhooks/hubspot?a=%3A%2f%40%2C&b=%20%26')).toBe('https://h.example/webhooks/hubspot?a=:/@,&b=%20%26');
    const encoded = 'https://sway.example.com/webhooks/hubspot?tenant=a%3Ab';
    const timestamp = String(NOW);
    const signature = hubspotSign(SECRET, 'POST', 'https://sway.example.com/webhooks/hubspot?tenant=a:b', BODY, timestamp);
    expect(check({ uri: encoded, timestamp, signature })).toEqual({ ok: true });
    expect(signatureV3(SECRET, 'POST', encoded, BODY, timestamp)).toBe(signature);
  });
});

// Real-shaped payloads (HubSpot's webhooks guide and changelog), numbers as HubSpot sends them.
const base = { subscriptionId: 3100001, portalId: 62515, appId: 1001, attemptNumber: 0, changeSource: 'CRM_UI' };
const payloads = {
  creation: { ...base, eventId: 1000000001, occurredAt: 1767225600000, subscriptionType: 'contact.creation', objectId: 651, changeFlag: 'CREATED', sourceId: 'userId:45678' },
  propertyChange: { ...base, eventId: 1000000002, occurredAt: 1767225601000, subscriptionType: 'contact.propertyChange', objectId: 651, propertyName: 'lifecyclestage', propertyValue: 'customer' },
  deletion: { ...base, eventId: 1000000003, occurredAt: 1767225602000, subscriptionType: 'contact.deletion', objectId: 652, changeFlag: 'DELETED' },
  merge: {
    ...base, eventId: 1000000004, occurredAt: 1767225603000, subscriptionType: 'contact.merge', objectId: 653,
    primaryObjectId: 653, mergedObjectIds: [654], newObjectId: 700, numberOfPropertiesMoved: 12, changeFlag: 'MERGED',
  },
  restore: { ...base, eventId: 1000000005, occurredAt: 1767225604000, subscriptionType: 'contact.restore', objectId: 652, changeFlag: 'RESTORED' },
  privacyDeletion: { ...base, eventId: 1000000006, occurredAt: 1767225605000, subscriptionType: 'contact.privacyDeletion', objectId: 655, changeSource: 'GDPR' },
  dealChange: { ...base, eventId: 1000000007, occurredAt: 1767225606000, subscriptionType: 'deal.propertyChange', objectId: 9001, propertyName: 'dealstage', propertyValue: 'closedwon' },
  companyCreation: { ...base, eventId: 1000000008, occurredAt: 1767225607000, subscriptionType: 'company.creation', objectId: 501 },
  association: {
    ...base, eventId: 1000000009, occurredAt: 1767225608000, subscriptionType: 'contact.associationChange', objectId: 651,
    associationType: 'CONTACT_TO_COMPANY', fromObjectId: 651, toObjectId: 501, associationRemoved: false, isPrimaryAssociation: false,
  },
  generic: { ...base, eventId: 1000000010, occurredAt: 1767225609000, subscriptionType: 'object.creation', objectTypeId: '0-1', objectId: 660 },
};

const parse = (e: object) => HubSpotWebhookBatchSchema.parse([e])[0]!;

describe('HubSpot webhook payloads', () => {
  it('parses every real-shaped event, keeping ids as strings', () => {
    const parsed = HubSpotWebhookBatchSchema.parse(Object.values(payloads));
    expect(parsed).toHaveLength(10);
    expect(parsed[0]).toMatchObject({ eventId: '1000000001', portalId: '62515', objectId: '651', occurredAt: 1767225600000 });
    expect(parsed[3]).toMatchObject({ primaryObjectId: '653', mergedObjectIds: ['654'], newObjectId: '700', numberOfPropertiesMoved: 12 });
    // Loose: fields Sway does not use are kept, not refused.
    expect(parsed[8]).toMatchObject({ associationType: 'CONTACT_TO_COMPANY' });
  });

  it('maps each type onto a neutral change event', () => {
    expect(toChangeEvent(parse(payloads.creation))).toEqual({
      eventId: 'hubspot:62515:1000000001', accountId: '62515', objectType: 'contact', kind: 'created', objectId: '651', occurredAt: new Date(1767225600000),
    });
    expect(toChangeEvent(parse(payloads.propertyChange))).toMatchObject({ kind: 'updated', objectId: '651', propertyName: 'lifecyclestage', propertyValue: 'customer' });
    expect(toChangeEvent(parse(payloads.deletion))).toMatchObject({ kind: 'deleted', objectId: '652' });
    expect(toChangeEvent(parse(payloads.restore))).toMatchObject({ kind: 'restored', objectId: '652' });
    expect(toChangeEvent(parse(payloads.privacyDeletion))).toMatchObject({ objectType: 'contact', kind: 'privacyDeleted', objectId: '655' });
    expect(toChangeEvent(parse(payloads.dealChange))).toMatchObject({ objectType: 'deal', kind: 'updated', objectId: '9001', propertyName: 'dealstage' });
    expect(toChangeEvent(parse(payloads.companyCreation))).toMatchObject({ objectType: 'company', kind: 'created' });
    expect(toChangeEvent(parse(payloads.generic))).toMatchObject({ objectType: 'contact', kind: 'created', objectId: '660' });
  });

  it('maps a merge that made a new record: the new id survives, primary and secondary are merged away', () => {
    expect(toChangeEvent(parse(payloads.merge))).toMatchObject({ kind: 'merged', objectId: '653', survivingId: '700', primaryId: '653', mergedIds: ['654', '653'] });
  });

  it('maps a merge that kept the primary id: the primary survives', () => {
    const kept = { ...payloads.merge, newObjectId: undefined };
    const e = toChangeEvent(parse(kept))!;
    expect(e).toMatchObject({ survivingId: '653', primaryId: '653', mergedIds: ['654'] });
  });

  it('ignores types Sway does not follow, without error', () => {
    expect(toChangeEvent(parse(payloads.association))).toBeNull();
    expect(toChangeEvent(parse({ ...payloads.creation, subscriptionType: 'ticket.creation' }))).toBeNull();
    expect(toChangeEvent(parse({ ...payloads.creation, subscriptionType: 'conversation.newMessage' }))).toBeNull();
    expect(toChangeEvent(parse({ ...payloads.generic, objectTypeId: '0-5' }))).toBeNull();
    const { events, ignored } = toChangeEvents(HubSpotWebhookBatchSchema.parse(Object.values(payloads)));
    expect(events).toHaveLength(9);
    expect(ignored).toBe(1);
  });

  it('treats a cleared property as "" and a null value the same way', () => {
    expect(toChangeEvent(parse({ ...payloads.propertyChange, propertyValue: '' }))).toMatchObject({ propertyValue: '' });
    expect(toChangeEvent(parse({ ...payloads.propertyChange, propertyValue: null }))).toMatchObject({ propertyValue: '' });
  });

  it('reports bad events by path', () => {
    const bad = [payloads.creation, { ...payloads.deletion, occurredAt: 'yesterday', objectId: -1 }, { ...payloads.merge, eventId: undefined }];
    const result = HubSpotWebhookBatchSchema.safeParse(bad);
    expect(result.success).toBe(false);
    const paths = formatIssues(result.error!).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['1.occurredAt', '1.objectId', '2.eventId']));
    expect(HubSpotWebhookBatchSchema.safeParse({ events: [] }).success).toBe(false);
  });

  it('refuses ids that JSON numbers cannot carry exactly, and more than 100 events', () => {
    expect(HubSpotWebhookBatchSchema.safeParse([{ ...payloads.creation, objectId: 2 ** 53 + 2 }]).success).toBe(false);
    expect(HubSpotWebhookBatchSchema.safeParse([{ ...payloads.creation, objectId: '9007199254740995' }]).success).toBe(true);
    expect(HubSpotWebhookBatchSchema.safeParse(Array.from({ length: 101 }, () => payloads.creation)).success).toBe(false);
  });

  it('keeps the type of every field it reads strict', () => {
    const e: HubSpotWebhookEvent = parse(payloads.propertyChange);
    expect(typeof e.occurredAt).toBe('number');
    expect(typeof e.eventId).toBe('string');
  });
});
