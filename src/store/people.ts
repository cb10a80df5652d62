/**
 * Reads and writes the score job needs (per-person inputs, all interactions, computed
 * metrics), and resolving the caller's person ids.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { interactions, people, personAliases, type PersonMetrics } from './schema.ts';

/** A stored person as the API names them. */
export interface ResolvedPerson {
  /** Sway's internal id. */
  id: number;
  /** The person's current id (the caller's); differs from the id asked for when that was merged away. */
  externalId: string;
}

/**
 * The caller's person ids → stored people, following merge aliases (an id merged into
 * another person resolves to the survivor). Ids not found are absent from the map.
 */
export async function resolvePeople(db: Db, installationId: string, externalIds: readonly string[]): Promise<Map<string, ResolvedPerson>> {
  const out = new Map<string, ResolvedPerson>();
  const ids = [...new Set(externalIds)];
  for (let i = 0; i < ids.length; i += 5000) {
    const part = ids.slice(i, i + 5000);
    const direct = await db
      .select({ id: people.id, externalId: people.externalId })
      .from(people)
      .where(and(eq(people.installationId, installationId), inArray(people.externalId, part)));
    for (const r of direct) out.set(r.externalId, { id: r.id, externalId: r.externalId });
    const missing = part.filter((id) => !out.has(id));
    if (missing.length === 0) continue;
    const aliased = await db
      .select({ alias: personAliases.externalId, id: people.id, externalId: people.externalId })
      .from(personAliases)
      .innerJoin(people, eq(people.id, personAliases.personId))
      .where(and(eq(personAliases.installationId, installationId), inArray(personAliases.externalId, missing)));
    for (const r of aliased) out.set(r.alias, { id: r.id, externalId: r.externalId });
  }
  return out;
}

export async function resolvePerson(db: Db, installationId: string, externalId: string): Promise<ResolvedPerson | null> {
  return (await resolvePeople(db, installationId, [externalId])).get(externalId) ?? null;
}

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
