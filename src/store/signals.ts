/**
 * Stores one validated ingest batch atomically. Everything that could reject the batch
 * (references to unknown people, an email or handle already owned by another person) is
 * checked inside the transaction before the first write, and any problem rolls it all back:
 * a batch is stored whole or not at all.
 *
 * People are keyed by the caller's id: re-sending a person replaces their name, audience,
 * topics and provider scores, and adds (never removes) emails and handles. Interactions are
 * keyed by externalId: re-sending one changes nothing.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { SignalsBatch } from '../domain/signals.ts';
import type { Db } from './db.ts';
import { interactions, people, personEmails, personHandles } from './schema.ts';

export interface IngestIssue {
  path: string;
  message: string;
}

export class IngestRejected extends Error {
  override name = 'IngestRejected';
  constructor(readonly issues: IngestIssue[]) {
    super(`batch rejected: ${issues.length} problem(s)`);
  }
}

export interface IngestResult {
  peopleUpserted: number;
  interactionsStored: number;
  interactionsDuplicate: number;
}

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for our widest table. */
const CHUNK = 1000;
const chunks = <T>(xs: T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function storeSignals(db: Db, installationId: string, batch: SignalsBatch): Promise<IngestResult> {
  const batchPeople = batch.people ?? [];
  const batchInteractions = batch.interactions ?? [];
  return db.transaction(async (tx) => {
    const issues: IngestIssue[] = [];

    // 1. Every interaction endpoint is a person in this batch or already stored.
    const inBatch = new Set(batchPeople.map((p) => p.id));
    const referenced = [...new Set(batchInteractions.flatMap((i) => [i.from, i.to]))].filter((id) => !inBatch.has(id));
    const storedIds = await personIdsByExternal(tx, installationId, referenced);
    batchInteractions.forEach((it, n) => {
      for (const end of ['from', 'to'] as const) {
        if (!inBatch.has(it[end]) && !storedIds.has(it[end])) {
          issues.push({ path: `interactions.${n}.${end}`, message: `unknown person "${it[end]}": send the person in this batch or an earlier one` });
        }
      }
    });

    // 2. An email or handle belongs to one person only (conflicts are reported, not guessed).
    const emailOwner = new Map<string, { owner: string; path: string }>();
    const handleOwner = new Map<string, { owner: string; path: string }>();
    batchPeople.forEach((p, n) => {
      // Emails and handles arrive normalised by the schema (src/domain/signals.ts).
      (p.emails ?? []).forEach((email, m) => {
        const seen = emailOwner.get(email);
        if (seen && seen.owner !== p.id) issues.push({ path: `people.${n}.emails.${m}`, message: `"${email}" is also given for person "${seen.owner}"` });
        else emailOwner.set(email, { owner: p.id, path: `people.${n}.emails.${m}` });
      });
      (p.handles ?? []).forEach((nh, m) => {
        const k = `${nh.network}\u0000${nh.handle}`;
        const seen = handleOwner.get(k);
        if (seen && seen.owner !== p.id) issues.push({ path: `people.${n}.handles.${m}`, message: `${nh.network} handle "${nh.handle}" is also given for person "${seen.owner}"` });
        else handleOwner.set(k, { owner: p.id, path: `people.${n}.handles.${m}` });
      });
    });
    if (emailOwner.size > 0) {
      const taken = await tx
        .select({ email: personEmails.email, owner: people.externalId })
        .from(personEmails)
        .innerJoin(people, eq(people.id, personEmails.personId))
        .where(and(eq(personEmails.installationId, installationId), inArray(personEmails.email, [...emailOwner.keys()])));
      for (const t of taken) {
        const mine = emailOwner.get(t.email)!;
        if (mine.owner !== t.owner) issues.push({ path: mine.path, message: `"${t.email}" already belongs to person "${t.owner}"` });
      }
    }
    if (handleOwner.size > 0) {
      const taken = await tx
        .select({ network: personHandles.network, handle: personHandles.handle, owner: people.externalId })
        .from(personHandles)
        .innerJoin(people, eq(people.id, personHandles.personId))
        .where(and(eq(personHandles.installationId, installationId), inArray(personHandles.handle, [...handleOwner.keys()].map((k) => k.split('\u0000')[1]!))));
      for (const t of taken) {
        const mine = handleOwner.get(`${t.network}\u0000${t.handle}`);
        if (mine && mine.owner !== t.owner) issues.push({ path: mine.path, message: `${t.network} handle "${t.handle}" already belongs to person "${t.owner}"` });
      }
    }
    if (issues.length > 0) throw new IngestRejected(issues);

    // 3. Writes.
    const ids = new Map(storedIds);
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
            providerScores: (p.providerScores ?? []).map((s) => ({ provider: s.provider, score: s.score, min: s.scale?.min ?? 0, max: s.scale?.max ?? 100 })),
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
    const emailRows = [...emailOwner].map(([email, { owner }]) => ({ installationId, email, personId: ids.get(owner)! }));
    for (const part of chunks(emailRows)) await tx.insert(personEmails).values(part).onConflictDoNothing();
    const handleRows = [...handleOwner].map(([k, { owner }]) => {
      const [network, handle] = k.split('\u0000') as [string, string];
      return { installationId, network, handle, personId: ids.get(owner)! };
    });
    for (const part of chunks(handleRows)) await tx.insert(personHandles).values(part).onConflictDoNothing();

    let interactionsStored = 0;
    for (const part of chunks(batchInteractions)) {
      const rows = await tx
        .insert(interactions)
        .values(
          part.map((i) => ({
            installationId,
            externalId: i.externalId,
            fromPersonId: ids.get(i.from)!,
            toPersonId: ids.get(i.to)!,
            kind: i.kind,
            topics: i.topics ?? [],
            sentiment: i.sentiment ?? null,
            occurredAt: new Date(i.occurredAt),
          })),
        )
        .onConflictDoNothing({ target: [interactions.installationId, interactions.externalId] })
        .returning({ id: interactions.id });
      interactionsStored += rows.length;
    }
    return {
      peopleUpserted: batchPeople.length,
      interactionsStored,
      interactionsDuplicate: batchInteractions.length - interactionsStored,
    };
  });
}

async function personIdsByExternal(tx: Tx, installationId: string, externalIds: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const part of chunks(externalIds)) {
    const rows = await tx
      .select({ id: people.id, externalId: people.externalId })
      .from(people)
      .where(and(eq(people.installationId, installationId), inArray(people.externalId, part)));
    for (const r of rows) out.set(r.externalId, r.id);
  }
  return out;
}
