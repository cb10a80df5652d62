/**
 * POST /webhooks/:crm: a CRM's webhook deliveries, through the connector registry
 * (crm-route.ts). The connector verifies the request (its signature and timestamp window,
 * `Connector.webhooks.receive`) and reads its events into CRM-neutral change events
 * (src/domain/change-events.ts); here they are stored — once each, keyed by event id — for
 * the installations they belong to, and one webhook job per installation with new events is
 * queued. The answer is a fast 204: CRMs give up on a delivery after a few seconds (5 s at the
 * first connector) and retry it, so no CRM call and no processing happens here
 * (src/jobs/webhook.ts does that).
 *
 * The connector picks the status of a refusal by its CRM's retry rules (a 4xx is not re-sent).
 * A store or queue failure is a 500, which CRMs retry — the dedupe on event id makes the retry
 * harmless.
 */
import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import type { ChangeEvent } from '../domain/change-events.ts';
import { enqueue } from '../jobs/queues.ts';
import { insertEvents, installationsByAccount } from '../store/webhook-events.ts';
import type { AppContext } from './context.ts';
import { crmOf } from './crm-route.ts';
import { HttpError } from './http-errors.ts';

/** 100 events are a few tens of kB; this only bounds what an unauthenticated caller can make us hash. */
const MAX_BODY = '1mb';

export function webhookRoutes(ctx: AppContext): Router {
  const router = Router();
  // Raw bytes, whatever the content type: signatures cover the body exactly as sent, and
  // parsing first (then re-serialising) would change it.
  router.post('/webhooks/:crm', express.raw({ type: '*/*', limit: MAX_BODY }), async (req, res) => {
    const { crm, connector, config } = crmOf(ctx, req);
    if (!connector.webhooks) throw new HttpError(404, 'NOT_FOUND', `${connector.label} does not send webhooks here`);
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // CRMs sign the URL they called: our public URL (scheme and host as the CRM sees them,
    // not as a TLS-terminating proxy forwards them to us) plus the path and query string as
    // sent. originalUrl keeps the query and does not depend on where this router is mounted.
    // Read per request: tests and the demo learn their public URL only after listening.
    const outcome = connector.webhooks.receive(config.oauthApp, {
      method: req.method,
      uri: `${ctx.config.publicUrl}${req.originalUrl}`,
      rawBody,
      header: (name) => req.get(name),
      nowMs: Date.now(),
    });
    if (!outcome.ok) {
      ctx.logger.warn({ crm, reason: outcome.reason, ip: req.ip, issues: outcome.issues?.slice(0, 10) }, 'webhook rejected');
      throw new HttpError(outcome.status, outcome.code, outcome.message, outcome.issues);
    }

    const byAccount = new Map<string, ChangeEvent[]>();
    for (const e of outcome.events) byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), e]);
    const installs = await installationsByAccount(ctx.db, crm, [...byAccount.keys()]);
    let stored = 0;
    for (const [accountId, accountEvents] of byAccount) {
      const installationId = installs.get(accountId);
      if (!installationId) {
        // Uninstalled, or never installed here: nothing to apply them to.
        ctx.logger.debug({ crm, accountId, events: accountEvents.length }, 'webhook for an unknown account dropped');
        continue;
      }
      const newIds = await insertEvents(ctx.db, installationId, accountEvents);
      if (newIds.length === 0) continue; // all re-sent: already stored and queued
      stored += newIds.length;
      // Derived from the events stored, so a repeated enqueue of the same ones is a no-op.
      const trigger = createHash('sha256').update(newIds.sort().join('\n')).digest('hex').slice(0, 16);
      await enqueue(ctx.queues, 'webhook', installationId, trigger);
    }
    ctx.logger.debug({ crm, received: outcome.received, ignored: outcome.ignored, stored }, 'webhook accepted');
    res.status(204).end();
  });
  return router;
}
