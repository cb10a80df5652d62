/** Reads and writes the score job needs: per-person inputs, all interactions, computed metrics. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { interactions, people, type PersonMetrics } from './schema.ts';

export async function peopleForScoring(db: Db, installationId: string) {
  return db
    .select({ id: people.id, audienceSize: people.audienceSize, topics: people.topics, providerScores: people.providerScores })
    .from(people)
    .where(eq(people.installationId, installationId));
}

/**
 * Every interaction of an installation, narrow columns only. Fine at skeleton scale; the
 * matching engine replaces this with typed arrays built straight from the store.
 */
export async function interactionsForScoring(db: Db, installationId: string) {
  return db
    .select({
      from: interactions.fromPersonId,
      to: interactions.toPersonId,
      kind: interactions.kind,
      topics: interactions.topics,
      sentiment: interactions.sentiment,
      occurredAt: interactions.occurredAt,
    })
    .from(interactions)
    .where(eq(interactions.installationId, installationId));
}

export async function saveMetrics(db: Db, installationId: string, metrics: Map<number, PersonMetrics>): Promise<void> {
  const entries = [...metrics].map(([id, m]) => ({ id, m }));
  for (let i = 0; i < entries.length; i += 1000) {
    const part = JSON.stringify(entries.slice(i, i + 1000));
    // One UPDATE per thousand people instead of one per person.
    await db.execute(sql`
      UPDATE people AS p SET metrics = v.m, scored_at = now()
      FROM jsonb_to_recordset(${part}::jsonb) AS v(id bigint, m jsonb)
      WHERE p.id = v.id AND p.installation_id = ${installationId}`);
  }
}

export async function countPeople(db: Db, installationId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(people).where(eq(people.installationId, installationId));
  return Number(row?.n ?? 0);
}
