/**
 * Erasing a person: everything Sway holds about them, in one transaction.
 *
 * Deleting the people row cascades (schema.ts) to person_emails, person_handles, conversations,
 * person_links and person_aliases (the ids of people merged into them), and — through the
 * statement triggers of migration 0005 — to interactions in both directions (what they said
 * and what was said to them). What does not cascade, and is
 * removed here:
 * - run history errors that name them (identity conflicts are written `person "<id>"`, see
 *   src/domain/link-rules.ts personMention) — for their id and every alias;
 * - webhook events that remembered them as the person of a deleted CRM record;
 * - what Sway keeps about the CRM records linked to them — crm_records (their email, stage)
 *   and pushed_values (their scores as written) — only when the request comes from the CRM
 *   (`withCrmRecords`). The API's DELETE /api/v1/people/:id and `sway people delete` do not
 *   pass it: there the CRM records stay (they are the customer's records) and are simply no
 *   longer linked.
 *
 * Other people's metrics were computed with the erased interactions: callers rescore.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ChangeObjectType } from '../domain/change-events.ts';
import { personMention } from '../domain/link-rules.ts';
import type { Db } from './db.ts';
import { bumpPeopleEpoch } from './person-id-cache.ts';
import { campaignMembers, campaigns, crmRecords, people, personAliases, personLinks, pushedValues, stageTransitions } from './schema.ts';
import { scrubEventsFor } from './webhook-events.ts';

export interface PurgeResult {
  /** Whether a person was found and erased. */
  personDeleted: boolean;
  /** CRM records whose rows were removed with them (`withCrmRecords`). */
  records: { objectType: string; crmId: string }[];
}

export async function purgePerson(
  db: Db,
  installationId: string,
  personId: number,
  options: { withCrmRecords?: boolean } = {},
): Promise<PurgeResult> {
  return db.transaction(async (tx) => {
    // First: waits for ingest batches in flight (their rows are then erased too), and makes
    // later ones drop cached person ids, so nothing about this person is stored afterwards.
    await bumpPeopleEpoch(tx, installationId);
    const linked = await tx
      .select({ objectType: personLinks.objectType, crmId: personLinks.crmId })
      .from(personLinks)
      .where(and(eq(personLinks.installationId, installationId), eq(personLinks.personId, personId)));
    const records = options.withCrmRecords ? linked : [];
    for (const type of new Set(records.map((r) => r.objectType))) {
      const ids = records.filter((r) => r.objectType === type).map((r) => r.crmId);
      for (const t of [pushedValues, crmRecords, stageTransitions] as const) {
        await tx.delete(t).where(and(eq(t.installationId, installationId), eq(t.objectType, type), inArray(t.crmId, ids)));
      }
      if (type === 'contact') await dropCampaignMembership(tx, installationId, ids);
    }
    // Scoped by installation: a person id from another tenant deletes nothing.
    const [person] = await tx
      .select({ externalId: people.externalId })
      .from(people)
      .where(and(eq(people.id, personId), eq(people.installationId, installationId)));
    if (person) {
      const aliases = await tx
        .select({ externalId: personAliases.externalId })
        .from(personAliases)
        .where(and(eq(personAliases.installationId, installationId), eq(personAliases.personId, personId)));
      await scrubRunErrors(tx, installationId, [person.externalId, ...aliases.map((a) => a.externalId)].map(personMention));
      await tx.execute(sql`
        UPDATE webhook_events SET payload = payload - 'linkedPersonId'
        WHERE installation_id = ${installationId} AND payload ->> 'linkedPersonId' = ${String(personId)}`);
    }
    const deleted = await tx
      .delete(people)
      .where(and(eq(people.id, personId), eq(people.installationId, installationId)))
      .returning({ id: people.id });
    return { personDeleted: deleted.length > 0, records };
  });
}

/** Drops the run errors (of this installation) whose message contains any of `needles`. */
async function scrubRunErrors(db: Db, installationId: string, needles: string[]): Promise<void> {
  if (needles.length === 0) return;
  const list = sql`ARRAY[${sql.join(needles.map((n) => sql`${n}`), sql`, `)}]::text[]`;
  await db.execute(sql`
    UPDATE runs SET errors = coalesce(
      (SELECT jsonb_agg(e ORDER BY n) FROM jsonb_array_elements(errors) WITH ORDINALITY AS x(e, n)
       WHERE NOT EXISTS (SELECT 1 FROM unnest(${list}) AS needle WHERE strpos(e ->> 'message', needle) > 0)),
      '[]'::jsonb)
    WHERE installation_id = ${installationId}
      AND EXISTS (SELECT 1 FROM jsonb_array_elements(errors) AS e, unnest(${list}) AS needle WHERE strpos(e ->> 'message', needle) > 0)`);
}

/**
 * A CRM privacy deletion (a contact's erasure requested through the CRM): erases the person linked to the
 * record, if any, with every record linked to them, and the record's own rows; what stored
 * events say about the record (its email in a property change…) is blanked.
 *
 * `fallbackPersonId`: the person the record was linked to before a plain deletion of the same
 * record removed the link (a CRM may send both events, in no guaranteed order:
 * `Connector.changes.privacyDeletionAlsoDeletes` in connectors/connector.ts).
 */
export async function purgeByCrmRecord(
  db: Db,
  installationId: string,
  objectType: ChangeObjectType,
  crmId: string,
  options: { fallbackPersonId?: number | null } = {},
): Promise<PurgeResult> {
  return db.transaction(async (tx) => {
    // First: waits for ingest batches in flight (their rows are then erased too), and makes
    // later ones drop cached person ids, so nothing about this person is stored afterwards.
    await bumpPeopleEpoch(tx, installationId);
    const [link] = await tx
      .select({ personId: personLinks.personId })
      .from(personLinks)
      .where(and(eq(personLinks.installationId, installationId), eq(personLinks.objectType, objectType), eq(personLinks.crmId, crmId)));
    const personId = link?.personId ?? options.fallbackPersonId ?? null;
    const result: PurgeResult = personId !== null
      ? await purgePerson(tx, installationId, personId, { withCrmRecords: true })
      : { personDeleted: false, records: [] };
    for (const t of [personLinks, pushedValues, crmRecords, stageTransitions] as const) {
      await tx.delete(t).where(and(eq(t.installationId, installationId), eq(t.objectType, objectType), eq(t.crmId, crmId)));
    }
    if (objectType === 'contact') await dropCampaignMembership(tx, installationId, [crmId]);
    await scrubEventsFor(tx, installationId, objectType, crmId);
    if (!result.records.some((r) => r.objectType === objectType && r.crmId === crmId)) result.records.push({ objectType, crmId });
    return result;
  });
}


/**
 * An erased contact leaves the campaigns it was assigned to: its member row names the CRM record
 * (and its stage at start). The campaign's counts shrink by that unit, which is what erasure asks;
 * its assignment of everyone else is unchanged (a hash of campaign and unit).
 */
async function dropCampaignMembership(tx: Db, installationId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  const ofInstallation = tx.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.installationId, installationId));
  await tx.delete(campaignMembers).where(and(inArray(campaignMembers.campaignId, ofInstallation), inArray(campaignMembers.contactId, contactIds)));
}
