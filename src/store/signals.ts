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
 *
 * This file runs the steps in order; the checks are src/store/ingest-checks.ts, the writes
 * src/store/ingest-writes.ts (interactions: bulk.ts copyRows; scores: provider-scores.ts).
 */
import type { SignalsBatch } from '../domain/signals.ts';
import { copyRows } from './bulk.ts';
import type { Db } from './db.ts';
import { checkOwnership, resolveAliases, resolveReferences, type Claim } from './ingest-checks.ts';
import { addIdentifiers, insertConversations, upsertPeople } from './ingest-writes.ts';
import { lockPeopleEpoch, type PersonIdCache } from './person-id-cache.ts';
import { applyProviderScores, type ScoreToApply } from './provider-scores.ts';
import { retryAborted } from './retry-tx.ts';

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
    const itemOf = (path: string) => path.split('.').slice(0, 2).join('.');
    const reject = (path: string, message: string) => {
      issues.push({ path, message });
      dropped.add(itemOf(path));
    };

    // Checks, before any write: 0. merged-away ids, 1. one owner per email and handle,
    // 2. every reference a known person.
    const batchPeople = await resolveAliases(tx, installationId, batch.people ?? [], reject);
    const claims = await checkOwnership(tx, installationId, batchPeople, reject);
    const keptPeople = dropped.size === 0 ? batchPeople : batchPeople.filter((_, n) => !dropped.has(`people.${n}`));
    // Only what was looked up or created here is new to the cache (`learned`).
    const { stored: ids, learned } = await resolveReferences(tx, installationId, batch, { kept: keptPeople, sent: batchPeople }, cache, reject);
    if (issues.length > 0 && !lenient) throw new IngestRejected(issues);

    // 3. Writes. `ids` gains the batch's people as they are written.
    for (const [id, internal] of await upsertPeople(tx, installationId, keptPeople)) {
      ids.set(id, internal);
      learned.set(id, internal);
    }
    await addIdentifiers(tx, installationId, claims, ids, (claim: Claim) => !dropped.has(itemOf(claim.path)));

    const kept = <T>(list: T[] | undefined, name: string): T[] => (dropped.size === 0 ? (list ?? []) : (list ?? []).filter((_, n) => !dropped.has(`${name}.${n}`)));
    const keptInteractions = kept(batch.interactions, 'interactions');
    const interactionsStored = await copyRows(tx, installationId, keptInteractions, { from: (i) => ids.get(i.from)!, to: (i) => ids.get(i.to)! });
    const keptConversations = kept(batch.conversations, 'conversations');
    const conversationsStored = await insertConversations(tx, installationId, keptConversations, ids);

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
