/**
 * HubSpot webhooks, pure: the v3 request signature, the payload schema, and the mapping of
 * HubSpot's events onto Sway's CRM-neutral change events (src/domain/change-events.ts).
 *
 * - Signature v3: https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
 *   base64(HMAC-SHA256(client secret, method + URI + raw body + timestamp)); reject requests
 *   whose X-HubSpot-Request-Timestamp (ms) is more than 5 minutes away. HubSpot decodes a fixed
 *   set of percent-escapes in the URI before signing, so we do the same.
 * - Payloads: https://developers.hubspot.com/docs/api/webhooks — a JSON array of events, up to
 *   100 per request, unordered (use occurredAt), possibly re-sent (dedupe on eventId).
 *   Merge events (https://developers.hubspot.com/changelog/new-subscription-types-for-webhooks)
 *   add primaryObjectId, mergedObjectIds, newObjectId and numberOfPropertiesMoved; since contact
 *   and company merges create a new record
 *   (https://developers.hubspot.com/changelog/updated-merge-functionality-for-contacts-and-companies)
 *   newObjectId, when present, is the record that remains.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ChangeEvent, ChangeKind, ChangeObjectType } from '../../src/domain/change-events.ts';
import { formatIssues } from '../../src/domain/signals.ts';
import type { OAuthApp, WebhookOutcome, WebhookRequest } from '../connector.ts';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/** HubSpot: "Reject the request if the timestamp is older than 5 minutes." */
export const SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;
/** HubSpot sends at most 100 events in one request. */
export const MAX_EVENTS_PER_REQUEST = 100;

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'bad-signature' };

/**
 * Percent-escapes HubSpot decodes in the request URI before signing (its validation guide lists
 * exactly these); anything else stays as sent.
 */
const SIGNED_URI_DECODES: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

/** The URI as HubSpot puts it into the signed string. */
export function signedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => SIGNED_URI_DECODES[m.toUpperCase()]!);
}

/** base64(HMAC-SHA256(secret, method + URI + body + timestamp)), over the body's raw bytes. */
export function signatureV3(clientSecret: string, method: string, uri: string, rawBody: Buffer | string, timestamp: string): string {
  return createHmac('sha256', clientSecret)
    .update(method.toUpperCase() + signedUri(uri), 'utf8')
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .update(timestamp, 'utf8')
    .digest('base64');
}

/**
 * Checks a request's v3 signature. `uri` is the full URI HubSpot called (scheme, host, path and
 * query). A timestamp that is not a number counts as missing. The comparison is constant-time
 * (the SDK's Signature.isValid compares with ===); only the signature's length can leak, and
 * that is public (44 base64 characters).
 */
export function verifySignatureV3(input: {
  clientSecret: string;
  method: string;
  uri: string;
  rawBody: Buffer | string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowMs: number;
  maxAgeMs?: number;
}): SignatureCheck {
  const { clientSecret, method, uri, rawBody, timestamp, signature, nowMs, maxAgeMs = SIGNATURE_MAX_AGE_MS } = input;
  if (!signature || !timestamp || !/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: 'missing' };
  // Both directions: a timestamp far in the future is as suspicious as an old one.
  if (Math.abs(nowMs - Number(timestamp)) > maxAgeMs) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signatureV3(clientSecret, method, uri, rawBody, timestamp), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  return { ok: true };
}

/** HubSpot ids arrive as JSON numbers; larger than 2^53 they would silently lose digits. */
const HubSpotId = z.union([
  z.number().int().nonnegative().refine(Number.isSafeInteger, { message: 'id is too large to read exactly' }),
  z.string().regex(/^\d{1,30}$/, { message: 'expected a numeric id' }),
]).transform(String);

/**
 * One event. Loose: HubSpot adds fields over time (changeFlag, sourceId, association fields…)
 * and an unknown field must not make us refuse — and lose, since 4xx is not retried — a batch.
 */
export const HubSpotWebhookEventSchema = z.looseObject({
  eventId: HubSpotId,
  subscriptionId: z.number().int(),
  portalId: HubSpotId,
  appId: z.number().int(),
  /** Milliseconds since the epoch. */
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().min(1).max(100),
  attemptNumber: z.number().int().nonnegative(),
  objectId: HubSpotId,
  propertyName: z.string().max(500).optional(),
  propertyValue: z.string().nullable().optional(),
  changeSource: z.string().optional(),
  changeFlag: z.string().optional(),
  sourceId: z.string().nullable().optional(),
  /** Generic (`object.*`) subscriptions name the object type here: 0-1 contact, 0-2 company, 0-3 deal. */
  objectTypeId: z.string().optional(),
  // Merge events.
  primaryObjectId: HubSpotId.optional(),
  mergedObjectIds: z.array(HubSpotId).max(1000).optional(),
  newObjectId: HubSpotId.optional(),
  numberOfPropertiesMoved: z.number().int().optional(),
});
export type HubSpotWebhookEvent = z.output<typeof HubSpotWebhookEventSchema>;

export const HubSpotWebhookBatchSchema = z.array(HubSpotWebhookEventSchema).max(MAX_EVENTS_PER_REQUEST);

const OBJECT_TYPES: Record<string, ChangeObjectType> = { contact: 'contact', company: 'company', deal: 'deal' };
const OBJECT_TYPE_IDS: Record<string, ChangeObjectType> = { '0-1': 'contact', '0-2': 'company', '0-3': 'deal' };
const ACTIONS: Record<string, ChangeKind> = {
  creation: 'created',
  propertyChange: 'updated',
  deletion: 'deleted',
  merge: 'merged',
  restore: 'restored',
  privacyDeletion: 'privacyDeleted',
};

/**
 * Maps one HubSpot event to a change event, or null for what Sway does not follow
 * (associationChange, tickets, conversations, types HubSpot adds later): those are ignored,
 * not errors.
 */
export function toChangeEvent(e: HubSpotWebhookEvent): ChangeEvent | null {
  const [prefix = '', action = ''] = e.subscriptionType.split('.');
  const objectType = prefix === 'object' ? OBJECT_TYPE_IDS[e.objectTypeId ?? ''] : OBJECT_TYPES[prefix];
  const kind = ACTIONS[action];
  if (!objectType || !kind) return null;
  const base: ChangeEvent = {
    eventId: `hubspot:${e.portalId}:${e.eventId}`,
    accountId: e.portalId,
    objectType,
    kind,
    objectId: e.objectId,
    occurredAt: new Date(e.occurredAt),
  };
  if (kind === 'updated') {
    if (!e.propertyName) return null; // a property change that names no property tells us nothing
    return { ...base, propertyName: e.propertyName, propertyValue: e.propertyValue ?? '' };
  }
  if (kind === 'merged') {
    const primaryId = e.primaryObjectId ?? e.objectId;
    const survivingId = e.newObjectId ?? primaryId;
    const involved = [...(e.mergedObjectIds ?? []), primaryId, e.objectId];
    const mergedIds = [...new Set(involved)].filter((id) => id !== survivingId);
    return { ...base, survivingId, mergedIds, primaryId };
  }
  return base;
}

/** Parsed and mapped; `ignored` counts events of types Sway does not follow. */
export function toChangeEvents(events: HubSpotWebhookEvent[]): { events: ChangeEvent[]; ignored: number } {
  const out: ChangeEvent[] = [];
  for (const e of events) {
    const c = toChangeEvent(e);
    if (c) out.push(c);
  }
  return { events: out, ignored: events.length - out.length };
}

/**
 * Refusals, with HubSpot's retry rules in mind (it retries timeouts, 429 and 5xx, never 4xx):
 * 401 for a request that is not HubSpot's, 400 for one that cannot be read; both would fail
 * the same way again.
 */
const REJECTIONS = {
  missing: { code: 'SIGNATURE_MISSING', message: 'X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required' },
  stale: { code: 'SIGNATURE_EXPIRED', message: 'the request timestamp is more than 5 minutes from now' },
  'bad-signature': { code: 'SIGNATURE_INVALID', message: 'the request signature does not match' },
} as const;

/** The connector's `webhooks.receive`: signature v3 first, then the payload's shape, then the mapping. */
export function receiveWebhook(app: OAuthApp, req: WebhookRequest): WebhookOutcome {
  const check = verifySignatureV3({
    clientSecret: app.clientSecret,
    method: req.method,
    uri: req.uri,
    rawBody: req.rawBody,
    timestamp: req.header(TIMESTAMP_HEADER),
    signature: req.header(SIGNATURE_HEADER),
    nowMs: req.nowMs,
  });
  if (!check.ok) return { ok: false, status: 401, ...REJECTIONS[check.reason], reason: check.reason };
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { ok: false, status: 400, code: 'MALFORMED_JSON', message: 'request body is not valid JSON', reason: 'malformed-json' };
  }
  const parsed = HubSpotWebhookBatchSchema.safeParse(json);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error);
    return { ok: false, status: 400, code: 'INVALID_WEBHOOK', message: `the events could not be read: ${issues.length} problem(s)`, reason: 'unexpected-shape', issues };
  }
  const { events, ignored } = toChangeEvents(parsed.data);
  return { ok: true, events, received: parsed.data.length, ignored };
}
