/**
 * CRM records as pulled (crm_records), links from records to people (person_links), and the
 * joined view the push job writes from.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { CrmContact } from '../../connectors/connector.ts';
import { normalizeEmail } from '../domain/identity.ts';
import type { Db } from './db.ts';
import { crmRecords, people, personLinks, type PersonMetrics } from './schema.ts';

export async function upsertContacts(db: Db, installationId: string, contacts: CrmContact[]): Promise<void> {
  if (contacts.length === 0) return;
  const now = new Date();
  await db
    .insert(crmRecords)
    .values(
      contacts.map((c) => ({
        installationId,
        objectType: 'contact',
        crmId: c.id,
        email: c.email ? normalizeEmail(c.email) : null,
        lifecycleStage: c.lifecycleStage,
        crmModifiedAt: c.modifiedAt,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [crmRecords.installationId, crmRecords.objectType, crmRecords.crmId],
      set: { email: sql`excluded.email`, lifecycleStage: sql`excluded.lifecycle_stage`, crmModifiedAt: sql`excluded.crm_modified_at`, updatedAt: now },
    });
}

/**
 * Re-derives email links for an installation in one statement pair: links follow the data,
 * so an email that moved or disappeared drops its old link. Returns the number of links.
 */
export async function relinkByEmail(db: Db, installationId: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.delete(personLinks).where(and(eq(personLinks.installationId, installationId), eq(personLinks.method, 'email')));
    const inserted = await tx.execute(sql`
      INSERT INTO person_links (installation_id, object_type, crm_id, person_id, method)
      SELECT r.installation_id, r.object_type, r.crm_id, e.person_id, 'email'
      FROM crm_records r
      JOIN person_emails e ON e.installation_id = r.installation_id AND e.email = r.email
      WHERE r.installation_id = ${installationId}
      ON CONFLICT DO NOTHING
      RETURNING crm_id`);
    return rowCount(inserted);
  });
}

export async function countLinkedContacts(db: Db, installationId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(personLinks)
    .where(and(eq(personLinks.installationId, installationId), eq(personLinks.objectType, 'contact')));
  return Number(row?.n ?? 0);
}

export interface LinkedContact {
  crmId: string;
  lifecycleStage: string | null;
  metrics: PersonMetrics;
}

/** Linked contacts whose person has been scored: what the push job writes. */
export async function linkedScoredContacts(db: Db, installationId: string): Promise<LinkedContact[]> {
  const rows = await db
    .select({ crmId: personLinks.crmId, lifecycleStage: crmRecords.lifecycleStage, metrics: people.metrics })
    .from(personLinks)
    .innerJoin(people, eq(people.id, personLinks.personId))
    .innerJoin(
      crmRecords,
      and(
        eq(crmRecords.installationId, personLinks.installationId),
        eq(crmRecords.objectType, personLinks.objectType),
        eq(crmRecords.crmId, personLinks.crmId),
      ),
    )
    .where(and(eq(personLinks.installationId, installationId), eq(personLinks.objectType, 'contact'), sql`${people.metrics} IS NOT NULL`))
    .orderBy(personLinks.crmId);
  return rows.map((r) => ({ crmId: r.crmId, lifecycleStage: r.lifecycleStage, metrics: r.metrics! }));
}

/** node-postgres and PGlite report affected rows differently. */
function rowCount(result: unknown): number {
  const r = result as { rowCount?: number | null; affectedRows?: number; rows?: unknown[] };
  return r.rows?.length ?? r.rowCount ?? r.affectedRows ?? 0;
}
