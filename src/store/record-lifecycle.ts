/**
 * What happens to Sway's rows when a CRM record is deleted or merged away.
 *
 * A record's rows are its crm_records row (what the pull read), its person_links row (which
 * person it is) and its pushed_values row (what Sway believes the CRM holds in Sway's fields).
 * Each function runs in one transaction, and each is idempotent: applying an event twice
 * leaves the same rows as applying it once.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { ChangeRules } from '../../connectors/connector.ts';
import type { Db } from './db.ts';
import { crmRecords, personLinks, pushedValues } from './schema.ts';

/**
 * Removes a deleted record's rows. Returns the person the record was linked to (null if none),
 * so a later privacy deletion can still find them (see webhook-events.ts rememberDeletedLink).
 */
export async function deleteCrmRecord(db: Db, installationId: string, objectType: string, crmId: string): Promise<{ personId: number | null }> {
  return db.transaction(async (tx) => {
    const key = (t: typeof crmRecords | typeof personLinks | typeof pushedValues) =>
      and(eq(t.installationId, installationId), eq(t.objectType, objectType), eq(t.crmId, crmId));
    const links = await tx.delete(personLinks).where(key(personLinks)).returning({ personId: personLinks.personId });
    await tx.delete(pushedValues).where(key(pushedValues));
    await tx.delete(crmRecords).where(key(crmRecords));
    return { personId: links[0]?.personId ?? null };
  });
}

export interface RepointResult {
  /** The surviving record's person after the merge (null if none of the records was linked). */
  personId: number | null;
  linkMoved: boolean;
  pushedValuesKept: number;
  recordMoved: boolean;
}

/**
 * Re-points what Sway knows about merged-away records onto the record that survived the merge.
 *
 * - person_links: if the surviving record already has a link it is kept; otherwise it takes
 *   the primary's link, else the first merged record's that has one. Merged ids lose theirs.
 * - crm_records: merged rows are dropped; if the survivor has no row yet, it takes the
 *   primary's (or the first merged) row, so joins keep working until the caller re-reads the
 *   survivor from the CRM (which it should: email and stage may have changed in the merge).
 * - pushed_values: the survivor gets what the CRM keeps in a merge, by the CRM's own rule
 *   (`mergedValues`, from the installation's connector: `Connector.changes.mergedValues` in
 *   connectors/connector.ts). Fields the rule cannot know are left out, so the next push
 *   re-sends them. Merged ids lose their rows.
 *
 * `primaryId`: the record whose values won (default: the survivor itself).
 */
export async function repointMergedRecord(
  db: Db,
  installationId: string,
  objectType: string,
  mergedIds: readonly string[],
  survivingId: string,
  options: { primaryId?: string; mergedValues: ChangeRules['mergedValues'] },
): Promise<RepointResult> {
  const gone = [...new Set(mergedIds)].filter((id) => id !== survivingId);
  const primaryId = options.primaryId ?? survivingId;
  const none: RepointResult = { personId: null, linkMoved: false, pushedValuesKept: 0, recordMoved: false };
  if (gone.length === 0) return none;
  const all = [survivingId, ...gone];
  // Preference order among merged records: the primary first, then as the CRM listed them.
  const preferred = [...new Set([primaryId, ...gone])].filter((id) => id !== survivingId);

  return db.transaction(async (tx) => {
    const where = (t: typeof crmRecords | typeof personLinks | typeof pushedValues, ids: string[]) =>
      and(eq(t.installationId, installationId), eq(t.objectType, objectType), inArray(t.crmId, ids));

    // person_links
    const links = new Map((await tx.select().from(personLinks).where(where(personLinks, all))).map((l) => [l.crmId, l]));
    let linkMoved = false;
    let personId = links.get(survivingId)?.personId ?? null;
    await tx.delete(personLinks).where(where(personLinks, gone));
    if (personId === null) {
      const from = preferred.map((id) => links.get(id)).find((l) => l !== undefined);
      if (from) {
        // method 'merge': relinking (crm-records.ts relink) keeps 'merge' links, and a merge
        // is the CRM's own word that these records are one person — even when the survivor's
        // primary email is not the one the person was linked by.
        await tx.insert(personLinks).values({ installationId, objectType, crmId: survivingId, personId: from.personId, method: 'merge' });
        personId = from.personId;
        linkMoved = true;
      }
    }

    // crm_records
    const records = new Map((await tx.select().from(crmRecords).where(where(crmRecords, all))).map((r) => [r.crmId, r]));
    await tx.delete(crmRecords).where(where(crmRecords, gone));
    let recordMoved = false;
    if (!records.has(survivingId)) {
      const from = preferred.map((id) => records.get(id)).find((r) => r !== undefined);
      if (from) {
        await tx.insert(crmRecords).values({ ...from, crmId: survivingId, updatedAt: new Date() });
        recordMoved = true;
      }
    }

    // pushed_values
    const pushed = new Map((await tx.select().from(pushedValues).where(where(pushedValues, all))).map((p) => [p.crmId, p]));
    await tx.delete(pushedValues).where(where(pushedValues, all));
    // A row with lastError holds values the CRM refused: it says nothing reliable about the record.
    const accepted = (id: string) => {
      const row = pushed.get(id);
      return row && row.lastError === null ? row.values : undefined;
    };
    const values = options.mergedValues({
      survivor: survivingId === primaryId ? undefined : accepted(survivingId),
      primary: accepted(primaryId),
      others: gone.filter((id) => id !== primaryId).map(accepted).filter((v): v is Record<string, string> => v !== undefined),
    });
    const keys = Object.keys(values).length;
    if (keys > 0) {
      const pushedAt = new Date(Math.max(...all.map((id) => pushed.get(id)?.pushedAt.getTime() ?? 0)));
      await tx.insert(pushedValues).values({ installationId, objectType, crmId: survivingId, values, lastError: null, pushedAt });
    }
    return { personId, linkMoved, pushedValuesKept: keys, recordMoved };
  });
}
