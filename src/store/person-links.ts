/**
 * Explicit links: an admin says which person a CRM record is (PUT /api/v1/links/contact/:crmId).
 * A `manual` link replaces whatever link the record had and is kept by relinking
 * (src/domain/link-rules.ts) until it is removed here; then the automatic rules apply again.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { crmRecords, people, personLinks } from './schema.ts';

export interface CurrentLink {
  /** The person's id (the caller's). */
  person: string;
  method: string;
  linkedAt: Date;
}

const recordKey = (t: typeof crmRecords | typeof personLinks, installationId: string, objectType: string, crmId: string) =>
  and(eq(t.installationId, installationId), eq(t.objectType, objectType), eq(t.crmId, crmId));

/** Whether Sway has pulled this record (a link to a record it never read would push nowhere useful). */
export async function crmRecordExists(db: Db, installationId: string, objectType: string, crmId: string): Promise<boolean> {
  const rows = await db.select({ crmId: crmRecords.crmId }).from(crmRecords).where(recordKey(crmRecords, installationId, objectType, crmId)).limit(1);
  return rows.length > 0;
}

export async function currentLink(db: Db, installationId: string, objectType: string, crmId: string): Promise<CurrentLink | null> {
  const [row] = await db
    .select({ person: people.externalId, method: personLinks.method, linkedAt: personLinks.linkedAt })
    .from(personLinks)
    .innerJoin(people, eq(people.id, personLinks.personId))
    .where(recordKey(personLinks, installationId, objectType, crmId));
  return row ?? null;
}

/** Links the record to the person with method `manual`, replacing any link it had. */
export async function setManualLink(db: Db, installationId: string, objectType: string, crmId: string, personId: number): Promise<void> {
  const linkedAt = new Date();
  await db
    .insert(personLinks)
    .values({ installationId, objectType, crmId, personId, method: 'manual', linkedAt })
    .onConflictDoUpdate({
      target: [personLinks.installationId, personLinks.objectType, personLinks.crmId],
      set: { personId, method: 'manual', linkedAt: sql`excluded.linked_at` },
    });
}

/** Removes the record's manual link; false when it had none (an automatic link is left alone). */
export async function removeManualLink(db: Db, installationId: string, objectType: string, crmId: string): Promise<boolean> {
  const removed = await db
    .delete(personLinks)
    .where(and(recordKey(personLinks, installationId, objectType, crmId), eq(personLinks.method, 'manual')))
    .returning({ crmId: personLinks.crmId });
  return removed.length > 0;
}
