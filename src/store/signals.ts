/**
 * Stores one validated ingest batch. Everything that could reject an item (references to
 * unknown people, an email or handle already owned by another person) is checked inside the
 * transaction before the first write.
 * - mode 'atomic' (the API): any problem rejects the whole batch; nothing is stored.
 * - mode 'lenient' (file import): bad items are left out and reported; the rest is stored.
 *
 * People are keyed by the caller's id (or an alias left by a merge): re-sending a person
 * replaces their name, audience, topics and provider scores, and adds (never removes) emails
 * and handles. Interactions and conversations are keyed by externalId: re-sending one changes
 * nothing. Scores replace that provider's score for the person.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { textSentiment } from '../domain/sentiment.ts';
import type { SignalsBatch } from '../domain/signals.ts';
import { aliasTargets, copyRows, personIdsByExternal } from './bulk.ts';
import type { Db } from './db.ts';
import { lockPeopleEpoch, type PersonIdCache } from './person-id-cache.ts';
import { applyProviderScores, type ScoreToApply } from './provider-scores.ts';
import { retryAborted } from './retry-tx.ts';
import { conversations, people, personEmails, personHandles } from './schema.ts';

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
  conversationsStored: number;
  conversationsDuplicate: number;
  scoresStored: number;
  /** Lenient mode only: items left out, with the path of the item and why. */
  rejected: IngestIssue[];
}

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for our widest table. */
const CHUNK = 1000;
const chunks = <T>(xs: T[], n = CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));


export interface StoreSignalsOptions {
  mode?: 'atomic' | 'lenient';
  /** Person ids remembered between batches of one caller (see person-id-cache.ts). */
  personIds?: PersonIdCache;
}

export async function storeSignals(db: Db, installationId: string, batch: SignalsBatch, options: StoreSignalsOptions = {}): Promise<IngestResult> {
  const lenient = options.mode === 'lenient';
  const cache = options.personIds;
  let seen: { epoch: number; ids: Map<string, number> } | undefined;
  const result = await retryAborted(() => db.transaction(async (tx) => {
    // First: the people lock, so an erasure or merge of this installation is wholly before or after.
    const epoch = await lockPeopleEpoch(tx, installationId);
    cache?.sync(epoch);
    const issues: IngestIssue[] = [];
    const dropped = new Set<string>(); // item paths left out (lenient)
    const reject = (path: string, message: string) => {
      issues.push({ path, message });
      dropped.add(path.split('.').slice(0, 2).join('.'));
    };

    // 0. A person sent under an id that was merged into another is that other person.
    const sent = batch.people ?? [];
    const aliases = await aliasTargets(tx, installationId, sent.map((p) => p.id));
    const batchPeople = aliases.size === 0 ? sent : sent.map((p) => (aliases.has(p.id) ? { ...p, id: aliases.get(p.id)! } : p));
    if (aliases.size > 0) {
      const first = new Map<string, number>();
      batchPeople.forEach((p, n) => {
        const at = first.get(p.id);
        if (at === undefined) first.set(p.id, n);
        else reject(`people.${n}.id`, `"${sent[n]!.id}" and "${sent[at]!.id}" are the same person since a merge (into "${p.id}")`);
      });
    }

    // 1. An email or handle belongs to one person only (conflicts are reported, not guessed).
    //    Emails and handles arrive normalised by the schema (src/domain/signals.ts).
    const emailOwner = new Map<string, { owner: string; path: string }>();
    const handleOwner = new Map<string, { owner: string; path: string }>();
    batchPeople.forEach((p, n) => {
      (p.emails ?? []).forEach((email, m) => {
        const seen = emailOwner.get(email);
        if (seen && seen.owner !== p.id) reject(`people.${n}.emails.${m}`, `"${email}" is also given for person "${seen.owner}"`);
        else emailOwner.set(email, { owner: p.id, path: `people.${n}.emails.${m}` });
      });
      (p.handles ?? []).forEach((h, m) => {
        const k = `${h.network}\u0000${h.handle}`;
        const seen = handleOwner.get(k);
        if (seen && seen.owner !== p.id) reject(`people.${n}.handles.${m}`, `${h.network} handle "${h.handle}" is also given for person "${seen.owner}"`);
        else handleOwner.set(k, { owner: p.id, path: `people.${n}.handles.${m}` });
      });
    });
    for (const part of chunks([...emailOwner.keys()], 5000)) {
      const taken = await tx
        .select({ email: personEmails.email, owner: people.externalId })
        .from(personEmails)
        .innerJoin(people, eq(people.id, personEmails.personId))
        .where(and(eq(personEmails.installationId, installationId), inArray(personEmails.email, part)));
      for (const t of taken) {
        const mine = emailOwner.get(t.email)!;
        if (mine.owner !== t.owner) reject(mine.path, `"${t.email}" already belongs to person "${t.owner}"`);
      }
    }
    for (const part of chunks([...handleOwner.keys()], 5000)) {
      const taken = await tx
        .select({ network: personHandles.network, handle: personHandles.handle, owner: people.externalId })
        .from(personHandles)
        .innerJoin(people, eq(people.id, personHandles.personId))
        .where(and(eq(personHandles.installationId, installationId), inArray(personHandles.handle, part.map((k) => k.split('\u0000')[1]!))));
      for (const t of taken) {
        const mine = handleOwner.get(`${t.network}\u0000${t.handle}`);
        if (mine && mine.owner !== t.owner) reject(mine.path, `${t.network} handle "${t.handle}" already belongs to person "${t.owner}"`);
      }
    }
    const keptPeople = dropped.size === 0 ? batchPeople : batchPeople.filter((_, n) => !dropped.has(`people.${n}`));

    // 2. Every reference is a person in this batch or already stored (or an alias of one).
    const inBatch = new Set(keptPeople.map((p) => p.id));
    const refs = new Set<string>();
    for (const i of batch.interactions ?? []) refs.add(i.from).add(i.to);
    for (const c of batch.conversations ?? []) refs.add(c.person);
    for (const s of batch.scores ?? []) refs.add(s.person);
    const stored = new Map<string, number>();
    const lookup: string[] = [];
    for (const id of refs) {
      if (inBatch.has(id)) continue;
      const hit = cache?.get(id);
      if (hit === undefined) lookup.push(id);
      else stored.set(id, hit);
    }
    // Only what was looked up or created here is new to the cache (see `learned` below).
    const learned = await personIdsByExternal(tx, installationId, lookup);
    for (const [id, internal] of learned) stored.set(id, internal);
    const known = (id: string) => inBatch.has(id) || stored.has(id);
    const sentIds = new Set(batchPeople.map((p) => p.id));
    const unknown = (id: string) =>
      sentIds.has(id)
        ? `person "${id}" was rejected in this batch`
        : `unknown person "${id}": send the person in this batch or an earlier one`;
    // Every reference resolved (the usual case): no item can name an unknown person.
    if (learned.size < lookup.length) {
      (batch.interactions ?? []).forEach((it, n) => {
        if (!known(it.from)) reject(`interactions.${n}.from`, unknown(it.from));
        if (!known(it.to)) reject(`interactions.${n}.to`, unknown(it.to));
      });
      (batch.conversations ?? []).forEach((c, n) => {
        if (!known(c.person)) reject(`conversations.${n}.person`, unknown(c.person));
      });
      (batch.scores ?? []).forEach((s, n) => {
        if (!known(s.person)) reject(`scores.${n}.person`, unknown(s.person));
      });
    }
    if (issues.length > 0 && !lenient) throw new IngestRejected(issues);

    // 3. Writes. `ids` gains the batch's people as they are written.
    const ids = stored;
    const now = new Date();
    for (const part of chunks(keptPeople)) {
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
      for (const r of rows) {
        ids.set(r.externalId, r.id);
        learned.set(r.externalId, r.id);
      }
    }
    const keep = (owner: { owner: string; path: string }) => !dropped.has(owner.path.split('.').slice(0, 2).join('.'));
    const emailRows = [...emailOwner].filter(([, o]) => keep(o)).map(([email, { owner }]) => ({ installationId, email, personId: ids.get(owner)! }));
    for (const part of chunks(emailRows)) await tx.insert(personEmails).values(part).onConflictDoNothing();
    const handleRows = [...handleOwner].filter(([, o]) => keep(o)).map(([k, { owner }]) => {
      const [network, handle] = k.split('\u0000') as [string, string];
      return { installationId, network, handle, personId: ids.get(owner)! };
    });
    for (const part of chunks(handleRows)) await tx.insert(personHandles).values(part).onConflictDoNothing();

    const kept = <T>(list: T[] | undefined, name: string): T[] => (dropped.size === 0 ? (list ?? []) : (list ?? []).filter((_, n) => !dropped.has(`${name}.${n}`)));
    const keptInteractions = kept(batch.interactions, 'interactions');
    const interactionsStored = await copyRows(tx, installationId, keptInteractions, { from: (i) => ids.get(i.from)!, to: (i) => ids.get(i.to)! });

    const keptConversations = kept(batch.conversations, 'conversations');
    let conversationsStored = 0;
    for (const part of chunks(keptConversations)) {
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
      conversationsStored += rows.length;
    }

    // Linear in the list, at most MAX_PROVIDERS_PER_PERSON providers a person (provider-scores.ts).
    const scoreItems: ScoreToApply[] = [];
    (batch.scores ?? []).forEach((score, n) => {
      if (!dropped.has(`scores.${n}`)) scoreItems.push({ path: `scores.${n}`, personId: ids.get(score.person)!, person: score.person, score });
    });
    const scores = await applyProviderScores(tx, scoreItems);
    if (scores.rejected.length > 0) {
      if (!lenient) throw new IngestRejected(scores.rejected);
      for (const r of scores.rejected) reject(r.path, r.message);
    }

    seen = { epoch, ids: learned };
    return {
      peopleUpserted: keptPeople.length,
      interactionsStored,
      interactionsDuplicate: keptInteractions.length - interactionsStored,
      conversationsStored,
      conversationsDuplicate: keptConversations.length - conversationsStored,
      scoresStored: scores.stored,
      rejected: lenient ? issues : [],
    };
  }));
  if (cache && seen) cache.learn(seen.epoch, seen.ids);
  return result;
}
