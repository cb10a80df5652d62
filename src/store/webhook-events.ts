/**
 * Change events received from CRMs (webhook_events), keyed by their event id: a re-sent event
 * is stored once, and once processed it is not processed again. Events are stored in the
 * CRM-neutral form of src/domain/change-events.ts; `subscription_type` holds `contact.updated`,
 * `deal.deleted`… and `payload` the merge ids.
 */
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import {
  CHANGE_KINDS,
  CHANGE_OBJECT_TYPES,
  changeTypeKey,
  parseChangeTypeKey,
  type ChangeEvent,
  type ChangeObjectType,
} from '../domain/change-events.ts';
import type { Db } from './db.ts';
import { installations, webhookEvents } from './schema.ts';

/** What a stored event carries besides its columns. */
interface EventPayload {
  accountId?: string;
  survivingId?: string;
  mergedIds?: string[];
  primaryId?: string;
  /** Set on a processed deletion: the person the deleted record was linked to (see privacy.ts). */
  linkedPersonId?: number;
}

const CHUNK = 500;
/** Every type this version understands; rows of any other type are not "pending" for it. */
const KNOWN_TYPES = CHANGE_OBJECT_TYPES.flatMap((objectType) => CHANGE_KINDS.map((kind) => changeTypeKey({ objectType, kind })));
const pending = (installationId: string) =>
  and(eq(webhookEvents.installationId, installationId), isNull(webhookEvents.processedAt), inArray(webhookEvents.subscriptionType, KNOWN_TYPES));

/** Stores events that are new; returns the ids of those newly stored (re-sent ones are not). */
export async function insertEvents(db: Db, installationId: string, events: ChangeEvent[]): Promise<string[]> {
  const stored: string[] = [];
  for (let i = 0; i < events.length; i += CHUNK) {
    const rows = await db
      .insert(webhookEvents)
      .values(
        events.slice(i, i + CHUNK).map((e) => ({
          eventId: e.eventId,
          installationId,
          subscriptionType: changeTypeKey(e),
          objectId: e.objectId,
          propertyName: e.propertyName ?? null,
          propertyValue: e.propertyValue ?? null,
          payload: payloadOf(e),
          occurredAt: e.occurredAt,
        })),
      )
      .onConflictDoNothing({ target: webhookEvents.eventId })
      .returning({ eventId: webhookEvents.eventId });
    stored.push(...rows.map((r) => r.eventId));
  }
  return stored;
}

function payloadOf(e: ChangeEvent): Record<string, unknown> {
  const p: EventPayload = { accountId: e.accountId };
  if (e.survivingId !== undefined) p.survivingId = e.survivingId;
  if (e.mergedIds !== undefined) p.mergedIds = e.mergedIds;
  if (e.primaryId !== undefined) p.primaryId = e.primaryId;
  return p as Record<string, unknown>;
}

/** Unprocessed events of an installation, oldest first (occurredAt, then eventId for a stable order). */
export async function pendingEvents(db: Db, installationId: string, limit: number): Promise<ChangeEvent[]> {
  const rows = await db
    .select()
    .from(webhookEvents)
    .where(pending(installationId))
    .orderBy(asc(webhookEvents.occurredAt), asc(webhookEvents.eventId))
    .limit(limit);
  const out: ChangeEvent[] = [];
  for (const r of rows) {
    const type = parseChangeTypeKey(r.subscriptionType)!;
    const p = r.payload as EventPayload;
    out.push({
      eventId: r.eventId,
      accountId: p.accountId ?? '',
      ...type,
      objectId: r.objectId,
      ...(r.propertyName !== null ? { propertyName: r.propertyName, propertyValue: r.propertyValue ?? '' } : {}),
      occurredAt: r.occurredAt,
      ...(p.survivingId !== undefined ? { survivingId: p.survivingId } : {}),
      ...(p.mergedIds !== undefined ? { mergedIds: p.mergedIds } : {}),
      ...(p.primaryId !== undefined ? { primaryId: p.primaryId } : {}),
    });
  }
  return out;
}

export async function hasPendingEvents(db: Db, installationId: string): Promise<boolean> {
  const rows = await db
    .select({ eventId: webhookEvents.eventId })
    .from(webhookEvents)
    .where(pending(installationId))
    .limit(1);
  return rows.length > 0;
}

export async function markProcessed(db: Db, eventIds: string[]): Promise<void> {
  const now = new Date();
  for (let i = 0; i < eventIds.length; i += CHUNK) {
    await db
      .update(webhookEvents)
      .set({ processedAt: now })
      .where(and(inArray(webhookEvents.eventId, eventIds.slice(i, i + CHUNK)), isNull(webhookEvents.processedAt)));
  }
}

/**
 * Remembers, on a deletion event, which person the deleted record was linked to. A CRM whose
 * connector declares `changes.privacyDeletionAlsoDeletes` sends a privacy deletion together
 * with a plain deletion; if the plain one is processed first the link is gone, and this is how
 * the privacy purge still finds the person.
 */
export async function rememberDeletedLink(db: Db, eventId: string, personId: number): Promise<void> {
  const extra = JSON.stringify({ linkedPersonId: personId });
  await db
    .update(webhookEvents)
    .set({ payload: sql`${webhookEvents.payload} || ${extra}::jsonb` })
    .where(eq(webhookEvents.eventId, eventId));
}

/** The person a since-deleted record was linked to, if a processed deletion remembered one. */
export async function deletedLinkFor(db: Db, installationId: string, objectType: ChangeObjectType, objectId: string): Promise<number | null> {
  const rows = await db
    .select({ personId: sql<string | null>`${webhookEvents.payload} ->> 'linkedPersonId'` })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.installationId, installationId),
        eq(webhookEvents.subscriptionType, `${objectType}.deleted`),
        eq(webhookEvents.objectId, objectId),
        sql`${webhookEvents.payload} ? 'linkedPersonId'`,
      ),
    )
    .orderBy(sql`${webhookEvents.occurredAt} DESC`)
    .limit(1);
  const v = rows[0]?.personId;
  return v ? Number(v) : null;
}

/**
 * Blanks what stored events say about a record (property values such as its email, remembered
 * person links). The rows stay — with their ids, so a re-sent event is still recognised — but
 * carry nothing about the person any more. Used by privacy deletions.
 */
export async function scrubEventsFor(db: Db, installationId: string, objectType: ChangeObjectType, objectId: string): Promise<void> {
  await db
    .update(webhookEvents)
    .set({ propertyValue: null, payload: sql`jsonb_build_object('accountId', ${webhookEvents.payload} -> 'accountId')` })
    .where(
      and(
        eq(webhookEvents.installationId, installationId),
        sql`${webhookEvents.subscriptionType} LIKE ${`${objectType}.%`}`,
        eq(webhookEvents.objectId, objectId),
      ),
    );
}

/** Installations of a CRM by account id (the CRM's own account id), whatever their status. */
export async function installationsByAccount(db: Db, crm: string, accountIds: string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db
    .select({ id: installations.id, accountId: installations.accountId })
    .from(installations)
    .where(and(eq(installations.crm, crm), inArray(installations.accountId, accountIds)));
  return new Map(rows.map((r) => [r.accountId, r.id]));
}
