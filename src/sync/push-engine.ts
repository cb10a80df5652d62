/**
 * The push engine (connector- and object-neutral): writes only what changed since the last push
 * of one object (contacts, deals…: src/domain/objects.ts), in the connector's largest batches
 * for that object, several batches in flight, every request drawn from the account's shared
 * budget (the session hooks). What to do after a failed batch is src/sync/retry.ts
 * decideBatchRetry; per batch the engine:
 * - records written values at once (a crash or retry resumes with what is left);
 * - keeps per-record refusals (207) with their reason and does not re-send them until the
 *   values change;
 * - treats a record the CRM says does not exist (207 "object not found": deleted without a
 *   webhook reaching Sway) as deleted, dropping its rows as the deletion webhook does
 *   (src/store/record-lifecycle.ts), so it is not re-sent on every push;
 * - splits a batch the CRM refused whole (one bad value fails all 100) to isolate the bad
 *   record;
 * - waits out 429s (the hooks already paused the shared budget) without spending attempts;
 * - backs off with full jitter on 5xx and network errors, up to TRANSIENT_ATTEMPTS, then
 *   fails the run for the queue to retry later;
 * - refreshes a rejected token (once per token, under the cross-worker lock) and retries;
 * - stops at once when the installation is disconnected or forbidden.
 * An object the connector does not write fails before any request (SwayError('UNSUPPORTED')).
 */
import type { Connector, CrmSession, RecordError } from '../../connectors/connector.ts';
import { writeBatchMaxFor } from '../../connectors/object-support.ts';
import type { CrmObject } from '../domain/objects.ts';
import type { Db } from '../store/db.ts';
import { pushedFor, recordPushed } from '../store/pushed-values.ts';
import { deleteCrmRecord } from '../store/record-lifecycle.ts';
import { planDelta, type DesiredRecord } from './delta.ts';
import { decideBatchRetry } from './retry.ts';

export interface PushCounts {
  read: number;
  changed: number;
  written: number;
  skipped: number;
  failed: number;
  calls: number;
  rateLimited: number;
  retried: number;
  /** Records the CRM no longer has (deleted there without a webhook): dropped from the store. */
  gone: number;
}

export interface PushDeps {
  db: Db;
  connector: Connector;
  installationId: string;
  /** The neutral object the records are (their ids are that object's CRM ids). */
  objectType: CrmObject;
  /** Gets a session; with `rejectedToken` it refreshes that token first (once across workers). */
  session(rejectedToken?: string): Promise<CrmSession>;
  concurrency: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export async function pushRecords(deps: PushDeps, desired: DesiredRecord[]): Promise<{ counts: PushCounts; errors: RecordError[] }> {
  const max = writeBatchMaxFor(deps.connector, deps.objectType);
  const pushed = await pushedFor(deps.db, deps.installationId, deps.objectType, desired.map((d) => d.id));
  const { changes, unchanged } = planDelta(desired, pushed);
  const counts: PushCounts = { read: desired.length, changed: changes.length, written: 0, skipped: unchanged, failed: 0, calls: 0, rateLimited: 0, retried: 0, gone: 0 };
  const errors: RecordError[] = [];
  const queue: DesiredRecord[][] = [];
  for (let i = 0; i < changes.length; i += max) queue.push(changes.slice(i, i + max));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = deps.random ?? Math.random;
  let session = await deps.session();

  const writeOne = async (batch: DesiredRecord[]): Promise<void> => {
    let transientFailures = 0;
    let rateLimits = 0;
    // Tokens the CRM refused for this batch: a token that expires while the batch is retried
    // (a long outage, a slow batch) is refreshed again; one refused twice ends the run.
    const refused = new Set<string>();
    for (;;) {
      const used = session;
      counts.calls++;
      try {
        const out = await deps.connector.writeBatch(used, deps.objectType, batch);
        const byId = new Map(batch.map((b) => [b.id, b.properties]));
        const gone = out.failed.filter((f) => f.notFound && byId.has(f.recordId));
        for (const g of gone) await deleteCrmRecord(deps.db, deps.installationId, deps.objectType, g.recordId);
        counts.gone += gone.length;
        const refusedRecords = new Map(out.failed.filter((f) => !f.notFound).map((f) => [f.recordId, f.message]));
        await recordPushed(deps.db, deps.installationId, deps.objectType, [
          ...out.written.map((id) => ({ crmId: id, values: byId.get(id)! })),
          ...[...refusedRecords].filter(([id]) => byId.has(id)).map(([id, message]) => ({ crmId: id, values: byId.get(id)!, error: message })),
        ]);
        counts.written += out.written.length;
        counts.failed += out.failed.length - gone.length;
        errors.push(...out.failed.filter((f) => !f.notFound));
        return;
      } catch (err) {
        const decision = decideBatchRetry(
          err,
          { size: batch.length, transientFailures, rateLimits, refreshedTokens: refused.size, tokenRefreshed: refused.has(used.accessToken) },
          random,
        );
        switch (decision.kind) {
          case 'wait':
            if (decision.cause === 'rate-limited') {
              rateLimits++;
              counts.rateLimited++;
            } else {
              transientFailures++;
              counts.retried++;
              await sleep(decision.ms);
            }
            continue;
          case 'refresh':
            refused.add(used.accessToken);
            // Several batches may see the same 401: only the first refreshes (the lock), the rest reuse.
            if (session === used) session = await deps.session(used.accessToken);
            continue;
          case 'split':
            queue.push(batch.slice(0, decision.at), batch.slice(decision.at));
            return;
          case 'fail':
            await recordPushed(deps.db, deps.installationId, deps.objectType, [{ crmId: batch[0]!.id, values: batch[0]!.properties, error: decision.message }]);
            counts.failed++;
            errors.push({ recordId: batch[0]!.id, message: decision.message });
            return;
          case 'give-back':
            throw decision.error;
        }
      }
    }
  };

  // A small pool: each lane takes the next batch (split halves join the queue's end).
  let failure: unknown;
  const lane = async () => {
    while (queue.length > 0 && failure === undefined) {
      const batch = queue.shift()!;
      try {
        await writeOne(batch);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(deps.concurrency, queue.length)) }, lane);
  await Promise.all(lanes);
  // Splitting can refill the queue after lanes ended: drain it.
  while (queue.length > 0 && failure === undefined) await lane();
  if (failure !== undefined) throw failure;
  return { counts, errors };
}
