/**
 * CRM records as pulled (crm_records), links from records to people (person_links), and the
 * joined view the push job writes from.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { CrmContact } from '../../connectors/connector.ts';
import { handlesFromCrmProperties, normalizeEmail, type Network } from '../domain/identity.ts';
import { decideLinks, DERIVED_LINK_METHODS, KEPT_LINK_METHODS, type Conflict, type DerivedLink, type EmailMatch, type HandleMatch, type RecordKey } from '../domain/link-rules.ts';
import type { Db } from './db.ts';
import { crmRecords, people, personEmails, personLinks, type PersonMetrics } from './schema.ts';
import { recordStageTransitions } from './stage-transitions.ts';

/**
 * Stores contacts as read. `handleFields` (settings.handleFields): when given, each contact's
 * handles are derived from those properties (`CrmContact.properties`) and replace the stored
 * ones; when absent (a read that did not ask for the handle fields, e.g. a webhook re-read),
 * stored handles are left as they are.
 */
export async function upsertContacts(
  db: Db,
  installationId: string,
  contacts: CrmContact[],
  options: { handleFields?: Partial<Record<Network, string>>; attributeFields?: { industry: string; region: string; companySize: string } } = {},
): Promise<{ changed: number }> {
  if (contacts.length === 0) return { changed: 0 };
  const now = new Date();
  const { handleFields, attributeFields } = options;
  const attr = (c: CrmContact, key: 'industry' | 'region' | 'companySize') => (attributeFields ? c.properties?.[attributeFields[key]]?.trim() || null : null);
  // Dated stage changes for campaign outcomes (src/store/stage-transitions.ts), before the new stage overwrites the old.
  await recordStageTransitions(db, installationId, contacts, now);
  const rows = await db
    .insert(crmRecords)
    .values(
      contacts.map((c) => ({
        installationId,
        objectType: 'contact',
        crmId: c.id,
        email: c.email ? normalizeEmail(c.email) : null,
        lifecycleStage: c.lifecycleStage,
        handles: handleFields ? handlesFromCrmProperties(handleFields, c.properties ?? {}) : {},
        industry: attr(c, 'industry'),
        region: attr(c, 'region'),
        companySize: attr(c, 'companySize'),
        crmModifiedAt: c.modifiedAt,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [crmRecords.installationId, crmRecords.objectType, crmRecords.crmId],
      set: {
        email: sql`excluded.email`,
        lifecycleStage: sql`excluded.lifecycle_stage`,
        crmModifiedAt: sql`excluded.crm_modified_at`,
        ...(handleFields ? { handles: sql`excluded.handles` } : {}),
        ...(attributeFields ? { industry: sql`excluded.industry`, region: sql`excluded.region`, companySize: sql`excluded.company_size` } : {}),
        // Only a real change moves updated_at: incremental matching rescoring a prospect keys on
        // it, and pulls re-read the last minutes' records (the search overlap) every time.
        updatedAt: sql`CASE WHEN (${crmRecords.email}, ${crmRecords.lifecycleStage}, ${crmRecords.handles}, ${crmRecords.industry}, ${crmRecords.region}, ${crmRecords.companySize})
          IS DISTINCT FROM (excluded.email, excluded.lifecycle_stage, ${handleFields ? sql`excluded.handles` : crmRecords.handles},
            ${attributeFields ? sql`excluded.industry, excluded.region, excluded.company_size` : sql`${crmRecords.industry}, ${crmRecords.region}, ${crmRecords.companySize}`})
          THEN ${now} ELSE ${crmRecords.updatedAt} END`,
      },
    })
    // New rows and real changes carry this call's time; records whose only change is a
    // property Sway does not read (its own writes among them) keep theirs.
    .returning({ updatedAt: crmRecords.updatedAt });
  return { changed: rows.filter((r) => r.updatedAt.getTime() === now.getTime()).length };
}

/**
 * The CRM modification time Sway last read for each record (absent: never read). A search that
 * returns a record at that same time is a re-read of a version already stored.
 */
export async function storedVersions(db: Db, installationId: string, objectType: string, crmIds: readonly string[]): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  if (crmIds.length === 0) return out;
  const rows = await db
    .select({ crmId: crmRecords.crmId, modifiedAt: crmRecords.crmModifiedAt })
    .from(crmRecords)
    .where(and(eq(crmRecords.installationId, installationId), eq(crmRecords.objectType, objectType), inArray(crmRecords.crmId, [...crmIds])));
  for (const r of rows) out.set(r.crmId, r.modifiedAt?.getTime() ?? null);
  return out;
}

export interface RelinkResult {
  /** Links the installation has after relinking, every method counted. */
  links: number;
  /** Derived links added or changed (person or method) by this run. */
  added: number;
  /** Derived links removed by this run (their evidence went, or became a conflict). */
  removed: number;
  /** Evidence that linked nothing because it disagrees (src/domain/link-rules.ts). */
  conflicts: Conflict[];
}

/**
 * Re-derives the automatic links of an installation by the rules in src/domain/link-rules.ts:
 * `manual` and `merge` links are kept; then email, then handle; conflicts link nothing and
 * are returned. Links follow the data: a derived link whose evidence moved, disappeared or
 * became ambiguous is removed. Only what changed is written, in one transaction.
 */
export async function relink(db: Db, installationId: string): Promise<RelinkResult> {
  return db.transaction(async (tx) => {
    const plan = await planLinks(tx, installationId);
    const existing = await tx
      .select({ objectType: personLinks.objectType, crmId: personLinks.crmId, personId: personLinks.personId, method: personLinks.method })
      .from(personLinks)
      .where(and(eq(personLinks.installationId, installationId), inArray(personLinks.method, [...DERIVED_LINK_METHODS])));
    const key = (r: RecordKey) => `${r.objectType}\u0000${r.crmId}`;
    const wanted = new Map(plan.links.map((l) => [key(l), l]));
    const have = new Map(existing.map((l) => [key(l), l]));
    const stale = existing.filter((l) => {
      const w = wanted.get(key(l));
      return !w || w.personId !== l.personId || w.method !== l.method;
    });
    const fresh = plan.links.filter((l) => {
      const h = have.get(key(l));
      return !h || h.personId !== l.personId || h.method !== l.method;
    });
    for (const [objectType, ids] of byObjectType(stale)) {
      for (const part of chunk(ids, 1000)) {
        // Only derived links: a manual link set meanwhile for the same record stays.
        await tx
          .delete(personLinks)
          .where(
            and(
              eq(personLinks.installationId, installationId),
              eq(personLinks.objectType, objectType),
              inArray(personLinks.crmId, part),
              inArray(personLinks.method, [...DERIVED_LINK_METHODS]),
            ),
          );
      }
    }
    for (const part of chunk(fresh, 1000)) {
      await tx
        .insert(personLinks)
        .values(part.map((l) => ({ installationId, objectType: l.objectType, crmId: l.crmId, personId: l.personId, method: l.method })))
        // A record linked by hand (or by a CRM merge) in the meantime keeps that link.
        .onConflictDoNothing();
    }
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(personLinks).where(eq(personLinks.installationId, installationId));
    return { links: Number(count?.n ?? 0), added: fresh.length, removed: stale.length, conflicts: plan.conflicts };
  });
}

/** @deprecated use {@link relink}: email links are one of its rules. Returns the number of links. */
export async function relinkByEmail(db: Db, installationId: string): Promise<number> {
  return (await relink(db, installationId)).links;
}

/** The conflicts relinking would report now (GET /api/v1/identity/conflicts); writes nothing. */
export async function identityConflicts(db: Db, installationId: string): Promise<Conflict[]> {
  return (await planLinks(db, installationId)).conflicts;
}

/**
 * Reads only the evidence that can link: records whose email is a person's, records whose
 * handles are a person's, and the records that keep their link. The rules decide in memory.
 */
async function planLinks(db: Db, installationId: string): Promise<{ links: DerivedLink[]; conflicts: Conflict[] }> {
  const kept = await db
    .select({ objectType: personLinks.objectType, crmId: personLinks.crmId })
    .from(personLinks)
    .where(and(eq(personLinks.installationId, installationId), inArray(personLinks.method, [...KEPT_LINK_METHODS])));
  const emailRows = await db
    .select({ objectType: crmRecords.objectType, crmId: crmRecords.crmId, email: personEmails.email, personId: people.id, externalId: people.externalId })
    .from(crmRecords)
    .innerJoin(personEmails, and(eq(personEmails.installationId, crmRecords.installationId), eq(personEmails.email, crmRecords.email)))
    .innerJoin(people, eq(people.id, personEmails.personId))
    .where(eq(crmRecords.installationId, installationId));
  const handleRows = await db.execute(sql`
    SELECT r.object_type, r.crm_id, h.key AS network, h.value AS handle, p.id AS person_id, p.external_id
    FROM crm_records r
    CROSS JOIN LATERAL jsonb_each_text(r.handles) AS h(key, value)
    JOIN person_handles ph ON ph.installation_id = r.installation_id AND ph.network = h.key AND ph.handle = h.value
    JOIN people p ON p.id = ph.person_id
    WHERE r.installation_id = ${installationId} AND r.handles <> '{}'::jsonb`);
  type HandleRow = { object_type: string; crm_id: string; network: string; handle: string; person_id: string | number; external_id: string };
  const emailMatches: EmailMatch[] = emailRows.map((r) => ({
    objectType: r.objectType,
    crmId: r.crmId,
    email: r.email,
    person: { id: Number(r.personId), externalId: r.externalId },
  }));
  const handleMatches: HandleMatch[] = (handleRows as unknown as { rows: HandleRow[] }).rows.map((r) => ({
    objectType: r.object_type,
    crmId: r.crm_id,
    network: r.network,
    handle: r.handle,
    person: { id: Number(r.person_id), externalId: r.external_id },
  }));
  return decideLinks({ kept, emailMatches, handleMatches });
}

function byObjectType(keys: RecordKey[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const k of keys) {
    const list = out.get(k.objectType);
    if (list) list.push(k.crmId);
    else out.set(k.objectType, [k.crmId]);
  }
  return out;
}

const chunk = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));

export async function countLinkedContacts(db: Db, installationId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(personLinks)
    .where(and(eq(personLinks.installationId, installationId), eq(personLinks.objectType, 'contact')));
  return Number(row?.n ?? 0);
}

export interface LinkedContact {
  crmId: string;
  personId: number;
  lifecycleStage: string | null;
  metrics: PersonMetrics;
}

/** Linked contacts whose person has been scored: what the push job writes. */
export async function linkedScoredContacts(db: Db, installationId: string): Promise<LinkedContact[]> {
  const rows = await db
    .select({ crmId: personLinks.crmId, personId: personLinks.personId, lifecycleStage: crmRecords.lifecycleStage, metrics: people.metrics })
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
  return rows.map((r) => ({ crmId: r.crmId, personId: r.personId, lifecycleStage: r.lifecycleStage, metrics: r.metrics! }));
}
