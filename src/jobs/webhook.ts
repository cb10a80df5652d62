/**
 * webhook: applies the change events a CRM sent (stored by src/server/webhooks.ts) to
 * the store, oldest first — events arrive unordered, so the order is occurredAt's, not the
 * arrival's.
 *
 * - contact created / updated / restored: the ids are collected and read back from the CRM in
 *   batches (current values, whatever the event said), then upserted into crm_records.
 * - contact deleted: the record's rows go (src/store/record-lifecycle.ts).
 * - contact merged: links and pushed state move to the surviving record (by the CRM's merge
 *   rule, `Connector.changes.mergedValues`), which is then read.
 * - contact privacy-deleted: the linked person and everything about them goes (src/store/privacy.ts).
 * - deals and companies: nothing is stored from events yet — deals come from the deal pull —
 *   so they are only marked processed.
 *
 * Reads are collected up to the next destructive event, so a deletion or merge never overtakes
 * an earlier update. Events are marked processed group by group: a retried job resumes where it
 * stopped, and every step is idempotent, so a group redone after a crash changes nothing more.
 * When something changed who a contact is or what stage it is in (the properties the connector
 * lists in `changes.rescoreProperties`), a score job (relink + push) follows.
 *
 * One run at a time per installation (a Redis lock across workers): two runs draining the same
 * events would do the work twice. A run that finds the lock taken is retried shortly; the
 * holder re-checks for new events after letting go, so none is left waiting.
 */
import { connectors, type CrmId } from '../../connectors/index.ts';
import type { ChangeRules, CrmContact } from '../../connectors/connector.ts';
import type { ChangeEvent } from '../domain/change-events.ts';
import { SwayError } from '../domain/errors.ts';
import { upsertContacts } from '../store/crm-records.ts';
import { getInstallation } from '../store/installations.ts';
import { purgeByCrmRecord } from '../store/privacy.ts';
import { deleteCrmRecord, repointMergedRecord } from '../store/record-lifecycle.ts';
import { deletedLinkFor, hasPendingEvents, markProcessed, pendingEvents, rememberDeletedLink } from '../store/webhook-events.ts';
import { sessionFor } from '../sync/access.ts';
import { RedisLock } from '../sync/redis-lock.ts';
import type { JobContext } from './context.ts';
import { queueNextStage } from './pipeline.ts';
import { recordRun } from './run.ts';

/** Events taken from the store at a time. */
const PAGE_SIZE = 500;
/** Long enough for a page of reads under a busy rate budget; extended after every page. */
const LOCK_TTL_MS = 60_000;

export async function webhookJob(ctx: JobContext, installationId: string, jobId: string): Promise<void> {
  const inst = await getInstallation(ctx.db, installationId);
  if (!inst) return; // uninstalled since: its events went with it (ON DELETE CASCADE)
  const lock = new RedisLock(ctx.access.redis, `${ctx.access.prefix}:webhook-lock:${installationId}`, LOCK_TTL_MS);
  if (!(await lock.acquire())) {
    throw new SwayError('TRANSIENT', 'another webhook run is processing this installation; will retry');
  }
  let rescore = false;
  try {
    await recordRun(ctx, 'webhook', installationId, jobId, async () => {
      const p = new EventProcessor(ctx, installationId, inst.crm as CrmId, inst.status === 'active');
      for (let rechecked = false; ; ) {
        const events = await pendingEvents(ctx.db, installationId, PAGE_SIZE);
        if (events.length === 0) {
          // Let go, then look once more: an event stored while we held the lock had its job
          // turned away (it will retry), but this closes the gap without waiting for it.
          if (rechecked) break;
          await lock.release();
          if (!(await hasPendingEvents(ctx.db, installationId)) || !(await lock.acquire())) break;
          rechecked = true;
          continue;
        }
        rechecked = false;
        await p.process(events);
        await lock.extend();
      }
      rescore = p.rescore;
      return { counts: p.counts };
    });
  } finally {
    await lock.release();
  }
  // Same job id for a retried run, so a retry does not queue a second score.
  await queueNextStage(ctx.queues, 'webhook', installationId, jobId, rescore);
}

class EventProcessor {
  readonly counts = { events: 0, read: 0, missing: 0, unread: 0, deleted: 0, merged: 0, privacyDeleted: 0, peoplePurged: 0, ignored: 0 };
  rescore = false;
  private readIds = new Set<string>();
  private readEvents: string[] = [];
  private readonly rules: ChangeRules;
  /** Contact properties whose change can change a link or the pushed stage. */
  private readonly rescoreProperties: ReadonlySet<string>;

  constructor(
    private readonly ctx: JobContext,
    private readonly installationId: string,
    private readonly crm: CrmId,
    /** False once the installation is disconnected: CRM reads are skipped (a reinstall pulls everything). */
    private canRead: boolean,
  ) {
    this.rules = connectors[crm].changes;
    this.rescoreProperties = new Set(this.rules.rescoreProperties);
  }

  async process(events: ChangeEvent[]): Promise<void> {
    const { db } = this.ctx;
    const inst = this.installationId;
    // A CRM that sends a privacy deletion together with a plain deletion: the purge needs the
    // record's link, so a plain deletion of the same record in this page leaves it to the purge.
    const paired = this.rules.privacyDeletionAlsoDeletes;
    const privacy = new Set(paired ? events.filter((e) => e.objectType === 'contact' && e.kind === 'privacyDeleted').map((e) => e.objectId) : []);
    const ignored: string[] = [];
    for (const e of events) {
      this.counts.events++;
      if (e.objectType !== 'contact') {
        // Deals are read by the deal pull and companies are not stored: nothing to apply yet.
        ignored.push(e.eventId);
        this.counts.ignored++;
        continue;
      }
      switch (e.kind) {
        case 'created':
        case 'restored':
          this.toRead(e.objectId, e.eventId);
          this.rescore = true; // a new contact may be someone Sway knows
          break;
        case 'updated':
          this.toRead(e.objectId, e.eventId);
          if (this.rescoreProperties.has(e.propertyName ?? '')) this.rescore = true;
          break;
        case 'deleted': {
          await this.flush();
          if (!privacy.has(e.objectId)) {
            const { personId } = await deleteCrmRecord(db, inst, 'contact', e.objectId);
            // Kept only where a privacy deletion may follow and need it (ChangeRules).
            if (personId !== null && paired) await rememberDeletedLink(db, e.eventId, personId);
            this.counts.deleted++;
          }
          await markProcessed(db, [e.eventId]);
          break;
        }
        case 'merged': {
          await this.flush();
          const survivingId = e.survivingId ?? e.objectId;
          await repointMergedRecord(db, inst, 'contact', e.mergedIds ?? [], survivingId, { primaryId: e.primaryId, mergedValues: this.rules.mergedValues });
          this.counts.merged++;
          // Processed once the survivor has been read (next flush): its email and stage come from the merge.
          this.toRead(survivingId, e.eventId);
          this.rescore = true;
          break;
        }
        case 'privacyDeleted': {
          await this.flush();
          const fallbackPersonId = await deletedLinkFor(db, inst, 'contact', e.objectId);
          const result = await purgeByCrmRecord(db, inst, 'contact', e.objectId, { fallbackPersonId });
          this.counts.privacyDeleted++;
          if (result.personDeleted) this.counts.peoplePurged++;
          await markProcessed(db, [e.eventId]);
          this.rescore = true; // others' scores counted the erased interactions
          break;
        }
      }
    }
    await this.flush();
    await markProcessed(db, ignored);
  }

  private toRead(id: string, eventId: string): void {
    this.readIds.add(id);
    this.readEvents.push(eventId);
  }

  /** Reads the collected contacts, stores them, marks their events processed. */
  private async flush(): Promise<void> {
    if (this.readEvents.length === 0) return;
    const ids = [...this.readIds];
    const eventIds = this.readEvents;
    this.readIds = new Set();
    this.readEvents = [];
    if (this.canRead) {
      try {
        const contacts = await this.readContacts(ids);
        await upsertContacts(this.ctx.db, this.installationId, contacts);
        this.counts.read += contacts.length;
        // Gone since (deleted or merged away): their own events say so.
        this.counts.missing += ids.filter((id) => !contacts.some((c) => c.id === id)).length;
      } catch (err) {
        if (!(err instanceof SwayError) || err.code !== 'DISCONNECTED') throw err;
        this.canRead = false;
        this.counts.unread += ids.length;
      }
    } else {
      this.counts.unread += ids.length;
    }
    await markProcessed(this.ctx.db, eventIds);
  }

  /** One read, and once more with a refreshed token if the CRM rejected this one. */
  private async readContacts(ids: string[]): Promise<CrmContact[]> {
    const connector = connectors[this.crm];
    const session = await sessionFor(this.ctx.access, this.installationId);
    try {
      return await connector.readContacts(session, ids);
    } catch (err) {
      if (!(err instanceof SwayError) || err.code !== 'AUTH_EXPIRED') throw err;
      return connector.readContacts(await sessionFor(this.ctx.access, this.installationId, session.accessToken), ids);
    }
  }
}
