/**
 * POST /webhooks/hubspot: HubSpot's webhook deliveries. The request is checked (signature v3,
 * then shape), its events are stored — once each, keyed by event id — for the installations
 * they belong to, and one webhook job per installation with new events is queued. The answer
 * is a fast 204: HubSpot gives up on a delivery after 5 s and retries it, so no CRM call and
 * no processing happens here (src/jobs/webhook.ts does that).
 *
 * Status codes follow HubSpot's retry rules (it retries timeouts, 429 and 5xx, never 4xx):
 * 401 for a request that is not HubSpot's, 400 for one that cannot be read; both would fail
 * the same way again. A store or queue failure is a 500, which HubSpot retries — the dedupe
 * on event id makes the retry harmless.
 */
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import {
  HubSpotWebhookBatchSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  toChangeEvents,
  verifySignatureV3,
} from '../../connectors/hubspot/webhooks.ts';
import type { ChangeEvent } from '../domain/change-events.ts';
import { formatIssues } from '../domain/signals.ts';
import { enqueue } from '../jobs/queues.ts';
import { insertEvents, installationsByAccount } from '../store/webhook-events.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';

export const WEBHOOK_PATH = '/webhooks/hubspot';
/** 100 events are a few tens of kB; this only bounds what an unauthenticated caller can make us hash. */
const MAX_BODY = '1mb';

const REJECTIONS = {
  missing: { code: 'SIGNATURE_MISSING', message: 'X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp are required' },
  stale: { code: 'SIGNATURE_EXPIRED', message: 'the request timestamp is more than 5 minutes from now' },
  'bad-signature': { code: 'SIGNATURE_INVALID', message: 'the request signature does not match' },
} as const;

export function hubspotWebhookRoutes(ctx: AppContext): Router {
  const router = Router();
  // Raw bytes, whatever the content type: the signature covers the body exactly as sent, and
  // parsing first (then re-serialising) would change it.
  router.post(WEBHOOK_PATH, express.raw({ type: '*/*', limit: MAX_BODY }), async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // HubSpot signs the URL it called: our public URL (scheme and host as HubSpot sees them,
    // not as a TLS-terminating proxy forwards them to us) plus the path and query string as
    // sent. originalUrl keeps the query and does not depend on where this router is mounted.
    // Read per request: tests and the demo learn their public URL only after listening.
    const check = verifySignatureV3({
      clientSecret: ctx.config.hubspot.clientSecret,
      method: req.method,
      uri: `${ctx.config.publicUrl}${req.originalUrl}`,
      rawBody,
      timestamp: req.get(TIMESTAMP_HEADER),
      signature: req.get(SIGNATURE_HEADER),
      nowMs: Date.now(),
    });
    if (!check.ok) {
      ctx.logger.warn({ reason: check.reason, ip: req.ip }, 'hubspot webhook rejected');
      const r = REJECTIONS[check.reason];
      throw new HttpError(401, r.code, r.message);
    }

    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new HttpError(400, 'MALFORMED_JSON', 'request body is not valid JSON');
    }
    const parsed = HubSpotWebhookBatchSchema.safeParse(json);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error);
      ctx.logger.warn({ issues: issues.slice(0, 10) }, 'hubspot webhook with an unexpected shape');
      throw new HttpError(400, 'INVALID_WEBHOOK', `the events could not be read: ${issues.length} problem(s)`, issues);
    }

    const { events, ignored } = toChangeEvents(parsed.data);
    const byAccount = new Map<string, ChangeEvent[]>();
    for (const e of events) byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), e]);
    const installs = await installationsByAccount(ctx.db, 'hubspot', [...byAccount.keys()]);
    let stored = 0;
    for (const [accountId, accountEvents] of byAccount) {
      const installationId = installs.get(accountId);
      if (!installationId) {
        // Uninstalled, or never installed here: nothing to apply them to.
        ctx.logger.debug({ portalId: accountId, events: accountEvents.length }, 'hubspot webhook for an unknown portal dropped');
        continue;
      }
      const newIds = await insertEvents(ctx.db, installationId, accountEvents);
      if (newIds.length === 0) continue; // all re-sent: already stored and queued
      stored += newIds.length;
      // Derived from the events stored, so a repeated enqueue of the same ones is a no-op.
      const trigger = createHash('sha256').update(newIds.sort().join('\n')).digest('hex').slice(0, 16);
      await enqueue(ctx.queues, 'webhook', installationId, trigger);
    }
    ctx.logger.debug({ received: parsed.data.length, ignored, stored }, 'hubspot webhook accepted');
    res.status(204).end();
  });
  return router;
}
