/**
 * The writes of one ingest batch (src/store/signals.ts), after its checks passed
 * (src/store/ingest-checks.ts): people upserted by the caller's id, emails and handles added
 * (never removed), conversations inserted once per externalId.
 */
import { sql } from 'drizzle-orm';
import { textSentiment } from '../domain/sentiment.ts';
import type { SignalsBatch } from '../domain/signals.ts';
import { chunks, type BatchPerson, type Claim, type Tx } from './ingest-checks.ts';
import { conversations, people, personEmails, personHandles } from './schema.ts';

/**
 * Re-sending a person replaces their name, audience, topics and provider scores. Answers the
 * internal id of each person written, by the caller's id.
 */
export async function upsertPeople(tx: Tx, installationId: string, batchPeople: readonly BatchPerson[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const now = new Date();
  for (const part of chunks(batchPeople)) {
    const rows = await tx
      .insert(people)
      .values(
        part.map((p) => ({
          installationId,
          externalId: p.id,
          name: p.name ?? null,
          audienceSize: p.audienceSize ?? null,
          topics: p.topics ?? [],
          providerScores: (p.providerScores ?? []).map((s) => ({ provider: s.provider, score: s.score, min: s.scale.min, max: s.scale.max })),
          updatedAt: now,
        })),
      )
      .onConflictDoUpdate({
        target: [people.installationId, people.externalId],
        set: {
          name: sql`excluded.name`,
          audienceSize: sql`excluded.audience_size`,
          topics: sql`excluded.topics`,
          providerScores: sql`excluded.provider_scores`,
          updatedAt: now,
        },
      })
      .returning({ id: people.id, externalId: people.externalId });
    for (const r of rows) ids.set(r.externalId, r.id);
  }
  return ids;
}

/** Adds the claimed emails and handles (those `keep` accepts) to their people; existing ones stay. */
export async function addIdentifiers(
  tx: Tx,
  installationId: string,
  claims: { emails: Map<string, Claim>; handles: Map<string, Claim> },
  ids: ReadonlyMap<string, number>,
  keep: (claim: Claim) => boolean,
): Promise<void> {
  const emailRows = [...claims.emails].filter(([, o]) => keep(o)).map(([email, { owner }]) => ({ installationId, email, personId: ids.get(owner)! }));
  for (const part of chunks(emailRows)) await tx.insert(personEmails).values(part).onConflictDoNothing();
  const handleRows = [...claims.handles].filter(([, o]) => keep(o)).map(([k, { owner }]) => {
    const [network, handle] = k.split('\u0000') as [string, string];
    return { installationId, network, handle, personId: ids.get(owner)! };
  });
  for (const part of chunks(handleRows)) await tx.insert(personHandles).values(part).onConflictDoNothing();
}

/**
 * Inserts conversations keyed by externalId (a re-sent one changes nothing); a conversation
 * with text and no sentiment gets one computed from the text. Answers how many were new.
 */
export async function insertConversations(
  tx: Tx,
  installationId: string,
  list: NonNullable<SignalsBatch['conversations']>,
  ids: ReadonlyMap<string, number>,
): Promise<number> {
  let stored = 0;
  for (const part of chunks(list)) {
    const rows = await tx
      .insert(conversations)
      .values(
        part.map((c) => {
          const computed = c.sentiment === undefined && c.text !== undefined;
          return {
            installationId,
            externalId: c.externalId,
            personId: ids.get(c.person)!,
            network: c.network ?? null,
            topics: c.topics ?? [],
            sentiment: computed ? textSentiment(c.text!) : (c.sentiment ?? null),
            sentimentSource: computed ? 'text' : 'given',
            occurredAt: new Date(c.occurredAt),
          };
        }),
      )
      .onConflictDoNothing({ target: [conversations.installationId, conversations.externalId] })
      .returning({ id: conversations.id });
    stored += rows.length;
  }
  return stored;
}
