/**
 * Merging people: the caller says several of its person ids are one person
 * (POST /api/v1/people/merge). Everything about the merged people moves onto the survivor in
 * one transaction, and their ids become aliases (person_aliases) so data sent later under an
 * old id lands on the survivor.
 *
 * - interactions move in both directions; one between two of the merged people (or between a
 *   merged person and the survivor) would become a person interacting with themselves, which
 *   the model has no meaning for (the signals API refuses them too): those are deleted and
 *   counted (`interactionsDropped`);
 * - conversations, emails, handles and CRM links move as they are (links keep their method;
 *   the next relink re-derives email and handle links anyway);
 * - aliases that pointed at a merged person now point at the survivor;
 * - the survivor keeps its own name, audience and provider scores, and takes the merged
 *   people's only where it has none (name, audience: the largest; a provider it has no score
 *   from); topics are the union (at most 50);
 * - webhook events that remembered a merged person for a deleted CRM record (for a later
 *   privacy deletion) remember the survivor instead;
 * - campaign influencers and members that were a merged person are the survivor (a campaign
 *   naming two of the merged people as influencers keeps one row); measured effects follow at
 *   the next measurement;
 * - the merged people are deleted. Their metrics are recomputed by the next score run.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { bumpPeopleEpoch } from './person-id-cache.ts';
import { resolvePeople } from './people.ts';
import { conversations, interactions, people, personAliases, personEmails, personHandles, personLinks } from './schema.ts';

/** Most ids one merge takes. */
export const MAX_MERGE_FROM = 100;
const MAX_TOPICS = 50;

export class MergeRefused extends Error {
  override name = 'MergeRefused';
  constructor(
    /** `unknown`: ids that name no person of the installation; `self`: ids that are the survivor. */
    readonly reason: 'unknown' | 'self',
    readonly ids: string[],
    message: string,
  ) {
    super(message);
  }
}

export interface MergeResult {
  /** The survivor's id. */
  into: string;
  /** The ids of the people merged into it (now aliases). */
  merged: string[];
  interactionsMoved: number;
  /** Interactions deleted because both ends became the survivor. */
  interactionsDropped: number;
  conversationsMoved: number;
  emailsMoved: number;
  handlesMoved: number;
  linksMoved: number;
  /** Aliases of the merged people re-pointed, plus the merged ids themselves. */
  aliases: number;
}

export async function mergePeople(db: Db, installationId: string, into: string, from: readonly string[]): Promise<MergeResult> {
  return db.transaction(async (tx) => {
    // First: waits for ingest batches in flight, and makes later ones drop cached person ids.
    await bumpPeopleEpoch(tx, installationId);
    const resolved = await resolvePeople(tx, installationId, [into, ...from]);
    const unknown = [...new Set([into, ...from])].filter((id) => !resolved.has(id));
    if (unknown.length > 0) {
      throw new MergeRefused('unknown', unknown, `no person ${unknown.map((id) => JSON.stringify(id)).join(', ')} in this installation`);
    }
    const survivor = resolved.get(into)!;
    const self = from.filter((id) => resolved.get(id)!.id === survivor.id);
    if (self.length > 0) {
      throw new MergeRefused('self', self, `cannot merge a person into itself: ${self.map((id) => JSON.stringify(id)).join(', ')} ${self.length === 1 ? 'is' : 'are'} ${JSON.stringify(survivor.externalId)}`);
    }
    const mergedIds = [...new Set(from.map((id) => resolved.get(id)!.id))];
    const all = [survivor.id, ...mergedIds];

    // Lock the rows: a concurrent merge, deletion or ingest of the same people waits for us.
    const rows = await tx
      .select()
      .from(people)
      .where(and(eq(people.installationId, installationId), inArray(people.id, all)))
      .orderBy(people.id)
      .for('update');
    if (rows.length !== all.length) {
      throw new MergeRefused('unknown', [into, ...from].filter((id) => !rows.some((r) => r.id === resolved.get(id)!.id)), 'a person was deleted while merging');
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    const keep = byId.get(survivor.id)!;
    const merged = mergedIds.map((id) => byId.get(id)!);

    const dropped = await tx
      .delete(interactions)
      .where(and(eq(interactions.installationId, installationId), inArray(interactions.fromPersonId, all), inArray(interactions.toPersonId, all)))
      .returning({ externalId: interactions.externalId });
    const movedFrom = await tx
      .update(interactions)
      .set({ fromPersonId: survivor.id })
      .where(and(eq(interactions.installationId, installationId), inArray(interactions.fromPersonId, mergedIds)))
      .returning({ externalId: interactions.externalId });
    const movedTo = await tx
      .update(interactions)
      .set({ toPersonId: survivor.id })
      .where(and(eq(interactions.installationId, installationId), inArray(interactions.toPersonId, mergedIds)))
      .returning({ externalId: interactions.externalId });
    const convs = await tx
      .update(conversations)
      .set({ personId: survivor.id })
      .where(and(eq(conversations.installationId, installationId), inArray(conversations.personId, mergedIds)))
      .returning({ id: conversations.id });
    const emails = await tx
      .update(personEmails)
      .set({ personId: survivor.id })
      .where(and(eq(personEmails.installationId, installationId), inArray(personEmails.personId, mergedIds)))
      .returning({ email: personEmails.email });
    const handles = await tx
      .update(personHandles)
      .set({ personId: survivor.id })
      .where(and(eq(personHandles.installationId, installationId), inArray(personHandles.personId, mergedIds)))
      .returning({ handle: personHandles.handle });
    const links = await tx
      .update(personLinks)
      .set({ personId: survivor.id })
      .where(and(eq(personLinks.installationId, installationId), inArray(personLinks.personId, mergedIds)))
      .returning({ crmId: personLinks.crmId });
    const repointed = await tx
      .update(personAliases)
      .set({ personId: survivor.id })
      .where(and(eq(personAliases.installationId, installationId), inArray(personAliases.personId, mergedIds)))
      .returning({ externalId: personAliases.externalId });
    const mergedAt = new Date();
    await tx
      .insert(personAliases)
      .values(merged.map((p) => ({ installationId, externalId: p.externalId, personId: survivor.id, mergedAt })))
      .onConflictDoUpdate({ target: [personAliases.installationId, personAliases.externalId], set: { personId: survivor.id, mergedAt } });
    // A deleted CRM record's remembered person (webhook-events.ts rememberDeletedLink) follows the merge.
    await tx.execute(sql`
      UPDATE webhook_events SET payload = payload || jsonb_build_object('linkedPersonId', ${survivor.id}::bigint)
      WHERE installation_id = ${installationId}
        AND payload ? 'linkedPersonId'
        AND (payload ->> 'linkedPersonId') IN (${sql.join(mergedIds.map((id) => sql`${String(id)}`), sql`, `)})`);

    const providers = new Set(keep.providerScores.map((s) => s.provider));
    const providerScores = [...keep.providerScores];
    for (const p of merged) {
      for (const s of p.providerScores) {
        if (providers.has(s.provider)) continue;
        providers.add(s.provider);
        providerScores.push(s);
      }
    }
    const audiences = merged.map((p) => p.audienceSize).filter((a): a is number => a !== null);
    await tx
      .update(people)
      .set({
        name: keep.name ?? merged.find((p) => p.name !== null)?.name ?? null,
        audienceSize: keep.audienceSize ?? (audiences.length > 0 ? Math.max(...audiences) : null),
        topics: [...new Set([keep.topics, ...merged.map((p) => p.topics)].flat())].slice(0, MAX_TOPICS),
        providerScores,
        updatedAt: mergedAt,
      })
      .where(eq(people.id, survivor.id));
    await repointCampaigns(tx, survivor.id, mergedIds);
    await tx.delete(people).where(and(eq(people.installationId, installationId), inArray(people.id, mergedIds)));

    return {
      into: survivor.externalId,
      merged: merged.map((p) => p.externalId),
      interactionsMoved: movedFrom.length + movedTo.length,
      interactionsDropped: dropped.length,
      conversationsMoved: convs.length,
      emailsMoved: emails.length,
      handlesMoved: handles.length,
      linksMoved: links.length,
      aliases: repointed.length + merged.length,
    };
  });
}

/**
 * Without this a merge would cascade the merged people's campaign influencer rows away (and null
 * their members' person): the campaign would silently lose an influencer. Person ids are unique
 * across installations, so the ids alone scope it.
 */
async function repointCampaigns(tx: Db, survivorId: number, mergedIds: number[]): Promise<void> {
  const ids = sql.join(mergedIds.map((id) => sql`${id}::bigint`), sql`, `);
  await tx.execute(sql`
    DELETE FROM campaign_influencers ci
    WHERE ci.person_id IN (${ids})
      AND EXISTS (SELECT 1 FROM campaign_influencers o WHERE o.campaign_id = ci.campaign_id
                  AND (o.person_id = ${survivorId}::bigint OR (o.person_id IN (${ids}) AND o.person_id < ci.person_id)))`);
  await tx.execute(sql`UPDATE campaign_influencers SET person_id = ${survivorId}::bigint WHERE person_id IN (${ids})`);
  await tx.execute(sql`UPDATE campaign_members SET person_id = ${survivorId}::bigint WHERE person_id IN (${ids})`);
  await tx.execute(sql`UPDATE campaign_members SET influencer_id = ${survivorId}::bigint WHERE influencer_id IN (${ids})`);
}
