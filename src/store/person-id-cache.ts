/**
 * Person ids for ingest, remembered between batches, and the lock that keeps them right.
 *
 * Every ingest batch names people by the caller's ids; looking up ~8,000 of them per 5,000
 * interactions cost PostgreSQL about as much as a third of storing the rows (bench:ingest).
 * Internal ids only change when people are erased or merged, so:
 * - erasure and merges call {@link bumpPeopleEpoch} first thing in their transaction, which
 *   updates the installation row;
 * - every ingest transaction starts with {@link lockPeopleEpoch}: it reads that counter FOR
 *   SHARE. The two locks conflict, so an ingest never overlaps an erasure or a merge of the same
 *   installation: rows about a person being erased wait for the erasure to commit, then find
 *   the person gone (they were inserted after the cascade before, and stayed).
 * - a {@link PersonIdCache} keeps what batches resolved, tagged with the epoch they saw; a batch
 *   that reads another epoch starts the cache afresh. Entries are added only after their
 *   transaction commits (ids of people created by a rolled-back batch never exist).
 */
import { sql } from 'drizzle-orm';
import type { Db } from './db.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Erasure and merges: take the installation's people lock and invalidate cached ids. */
export async function bumpPeopleEpoch(tx: Tx, installationId: string): Promise<void> {
  await tx.execute(sql`UPDATE installations SET people_epoch = people_epoch + 1 WHERE id = ${installationId}`);
}

export class InstallationGoneError extends Error {
  override name = 'InstallationGoneError';
}

/** Ingest: the current epoch, share-locked until the transaction ends. */
export async function lockPeopleEpoch(tx: Tx, installationId: string): Promise<number> {
  const r = await tx.execute(sql`SELECT people_epoch FROM installations WHERE id = ${installationId} FOR SHARE`);
  const rows = ((r as unknown as { rows?: { people_epoch: string | number }[] }).rows ?? (r as unknown as { people_epoch: string | number }[]));
  if (rows.length === 0) throw new InstallationGoneError(`installation ${installationId} does not exist (uninstalled?)`);
  return Number(rows[0]!.people_epoch);
}

/** Ids kept per installation before a cache starts over: ~100 bytes each, so ~25 MB. */
export const PERSON_ID_CACHE_MAX = 250_000;

/** The caller's person id → internal id, for one installation, valid at one epoch. */
export class PersonIdCache {
  private epoch = -1;
  private readonly ids = new Map<string, number>();
  constructor(private readonly max = PERSON_ID_CACHE_MAX) {}

  get size(): number {
    return this.ids.size;
  }

  /** Forgets everything when `epoch` is not the one the entries were learned at. */
  sync(epoch: number): void {
    if (epoch !== this.epoch) {
      this.ids.clear();
      this.epoch = epoch;
    }
  }

  get(externalId: string): number | undefined {
    return this.ids.get(externalId);
  }

  /** After a commit at `epoch`: remember these (ignored if the epoch has moved on meanwhile). */
  learn(epoch: number, ids: ReadonlyMap<string, number>): void {
    if (epoch !== this.epoch) return;
    if (this.ids.size + ids.size > this.max) this.ids.clear();
    if (ids.size > this.max) return;
    for (const [k, v] of ids) this.ids.set(k, v);
  }
}

/** One cache per installation, for a long-lived process serving many (the API). */
export class PersonIdCaches {
  private readonly byInstallation = new Map<string, PersonIdCache>();
  /** Defaults bound a server's caches to ~8 × 100k ids (~80 MB at worst). */
  constructor(
    private readonly maxInstallations = 8,
    private readonly perInstallation = 100_000,
  ) {}

  for(installationId: string): PersonIdCache {
    let cache = this.byInstallation.get(installationId);
    if (cache) {
      // Most recently used last, so the first entry is the one to drop.
      this.byInstallation.delete(installationId);
    } else {
      cache = new PersonIdCache(this.perInstallation);
      if (this.byInstallation.size >= this.maxInstallations) this.byInstallation.delete(this.byInstallation.keys().next().value!);
    }
    this.byInstallation.set(installationId, cache);
    return cache;
  }
}
