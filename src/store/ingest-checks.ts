/**
 * The checks of one ingest batch (src/store/signals.ts), run inside its transaction before the
 * first write: merged-away ids, emails and handles owned by one person only, and references to
 * people that exist. Each reports problems through `reject` (path, message) and writes nothing.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { SignalsBatch } from '../domain/signals.ts';
import { aliasTargets, personIdsByExternal } from './bulk.ts';
import type { Db } from './db.ts';
import type { PersonIdCache } from './person-id-cache.ts';
import { people, personEmails, personHandles } from './schema.ts';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Reject = (path: string, message: string) => void;
export type BatchPerson = NonNullable<SignalsBatch['people']>[number];
/** Who claims an email or handle in this batch, and the item path that claims it. */
export interface Claim {
  owner: string;
  path: string;
}

/** Sends the batch's people under the id they were merged into; two ids of one person in a batch are rejected. */
export async function resolveAliases(tx: Tx, installationId: string, sent: readonly BatchPerson[], reject: Reject): Promise<readonly BatchPerson[]> {
  const aliases = await aliasTargets(tx, installationId, sent.map((p) => p.id));
  if (aliases.size === 0) return sent;
  const batchPeople = sent.map((p) => (aliases.has(p.id) ? { ...p, id: aliases.get(p.id)! } : p));
  const first = new Map<string, number>();
  batchPeople.forEach((p, n) => {
    const at = first.get(p.id);
    if (at === undefined) first.set(p.id, n);
    else reject(`people.${n}.id`, `"${sent[n]!.id}" and "${sent[at]!.id}" are the same person since a merge (into "${p.id}")`);
  });
  return batchPeople;
}

/** Key of a handle in the claim maps. */
export const handleKey = (network: string, handle: string) => `${network}\u0000${handle}`;

/**
 * An email or handle belongs to one person only (conflicts are reported, not guessed): within
 * the batch and against what is stored. Emails and handles arrive normalised by the schema
 * (src/domain/signals.ts). Answers every claim, including rejected ones (the writer skips those).
 */
export async function checkOwnership(
  tx: Tx,
  installationId: string,
  batchPeople: readonly BatchPerson[],
  reject: Reject,
): Promise<{ emails: Map<string, Claim>; handles: Map<string, Claim> }> {
  const emails = new Map<string, Claim>();
  const handles = new Map<string, Claim>();
  batchPeople.forEach((p, n) => {
    (p.emails ?? []).forEach((email, m) => {
      const seen = emails.get(email);
      if (seen && seen.owner !== p.id) reject(`people.${n}.emails.${m}`, `"${email}" is also given for person "${seen.owner}"`);
      else emails.set(email, { owner: p.id, path: `people.${n}.emails.${m}` });
    });
    (p.handles ?? []).forEach((h, m) => {
      const k = handleKey(h.network, h.handle);
      const seen = handles.get(k);
      if (seen && seen.owner !== p.id) reject(`people.${n}.handles.${m}`, `${h.network} handle "${h.handle}" is also given for person "${seen.owner}"`);
      else handles.set(k, { owner: p.id, path: `people.${n}.handles.${m}` });
    });
  });
  for (const part of chunks([...emails.keys()], 5000)) {
    const taken = await tx
      .select({ email: personEmails.email, owner: people.externalId })
      .from(personEmails)
      .innerJoin(people, eq(people.id, personEmails.personId))
      .where(and(eq(personEmails.installationId, installationId), inArray(personEmails.email, part)));
    for (const t of taken) {
      const mine = emails.get(t.email)!;
      if (mine.owner !== t.owner) reject(mine.path, `"${t.email}" already belongs to person "${t.owner}"`);
    }
  }
  for (const part of chunks([...handles.keys()], 5000)) {
    const taken = await tx
      .select({ network: personHandles.network, handle: personHandles.handle, owner: people.externalId })
      .from(personHandles)
      .innerJoin(people, eq(people.id, personHandles.personId))
      .where(and(eq(personHandles.installationId, installationId), inArray(personHandles.handle, part.map((k) => k.split('\u0000')[1]!))));
    for (const t of taken) {
      const mine = handles.get(handleKey(t.network, t.handle));
      if (mine && mine.owner !== t.owner) reject(mine.path, `${t.network} handle "${t.handle}" already belongs to person "${t.owner}"`);
    }
  }
  return { emails, handles };
}

/**
 * Every reference (interaction ends, conversation and score people) is a person kept in this
 * batch or already stored (or an alias of one). Answers the stored people's internal ids
 * (`stored`, from the cache or the store) and those looked up here (`learned`: what is new to
 * the cache).
 */
export async function resolveReferences(
  tx: Tx,
  installationId: string,
  batch: SignalsBatch,
  persons: { kept: readonly BatchPerson[]; sent: readonly BatchPerson[] },
  cache: PersonIdCache | undefined,
  reject: Reject,
): Promise<{ stored: Map<string, number>; learned: Map<string, number> }> {
  const inBatch = new Set(persons.kept.map((p) => p.id));
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
  const learned = await personIdsByExternal(tx, installationId, lookup);
  for (const [id, internal] of learned) stored.set(id, internal);
  // Every reference resolved (the usual case): no item can name an unknown person.
  if (learned.size < lookup.length) {
    const known = (id: string) => inBatch.has(id) || stored.has(id);
    const sentIds = new Set(persons.sent.map((p) => p.id));
    const unknown = (id: string) =>
      sentIds.has(id) ? `person "${id}" was rejected in this batch` : `unknown person "${id}": send the person in this batch or an earlier one`;
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
  return { stored, learned };
}

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters for our widest table. */
export const CHUNK = 1000;
export const chunks = <T>(xs: readonly T[], n = CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
