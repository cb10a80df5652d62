/**
 * Stores an import's chunks while the next ones are read and validated, so Node and the
 * database work at the same time (src/import/run-import.ts fills `chunk` and `pending`).
 *
 * Up to two stores run at once — PostgreSQL then uses both cores — but never past a chunk that
 * defines people (later chunks may refer to them): stores stay in file order where it matters,
 * and at most three chunks are in memory whatever the file size. Rejects are written in chunk
 * order.
 */
import type { Db } from '../store/db.ts';
import { PersonIdCache } from '../store/person-id-cache.ts';
import { storeSignals } from '../store/signals.ts';
import { Chunk, type RejectedRow } from './chunk.ts';
import type { RejectsFile } from './rejects-file.ts';

/** What the store took, summed over the chunks. */
export interface StoredTotals {
  people: number;
  interactionsNew: number;
  interactionsDuplicate: number;
  conversationsNew: number;
  conversationsDuplicate: number;
  scores: number;
}

export class ChunkPipeline {
  /** The chunk being filled. */
  chunk = new Chunk();
  /** Rows of the current chunk refused before the store. */
  pending: RejectedRow[] = [];
  readonly totals: StoredTotals = { people: 0, interactionsNew: 0, interactionsDuplicate: 0, conversationsNew: 0, conversationsDuplicate: 0, scores: 0 };
  private inflight: { done: Promise<void>; people: boolean }[] = [];
  private readonly personIds = new PersonIdCache();
  private written: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly installationId: string,
    private readonly rejects: RejectsFile,
  ) {}

  /** Hands the current chunk to the store (waiting for room, see above) and starts a new one. */
  async flush(): Promise<void> {
    const c = this.chunk;
    const p = this.pending;
    this.chunk = new Chunk();
    this.pending = [];
    while (this.inflight.length >= 2 || this.inflight.some((f) => f.people)) {
      await this.inflight[0]!.done;
      this.inflight.shift();
    }
    const stored = this.store(c, p);
    this.written = this.written.then(() => stored).then(() => this.rejects.write(p.sort((a, b) => a.line - b.line)));
    // Failures surface where these are awaited (the next flush or the drain); until then they
    // must not count as unhandled rejections, which would end the process.
    stored.catch(() => {});
    this.written.catch(() => {});
    this.inflight.push({ done: this.written, people: c.batch.people.length > 0 });
  }

  /** Waits for every chunk handed over (and its rejects) to be written. */
  async drain(): Promise<void> {
    await this.written;
    this.inflight = [];
  }

  /** One chunk in one transaction (lenient: bad items left out); what the store refused joins `p`. */
  private async store(c: Chunk, p: RejectedRow[]): Promise<void> {
    if (c.items === 0) return;
    const r = await storeSignals(this.db, this.installationId, c.batch, { mode: 'lenient', personIds: this.personIds });
    const t = this.totals;
    t.people += r.peopleUpserted;
    t.interactionsNew += r.interactionsStored;
    t.interactionsDuplicate += r.interactionsDuplicate;
    t.conversationsNew += r.conversationsStored;
    t.conversationsDuplicate += r.conversationsDuplicate;
    t.scores += r.scoresStored;
    p.push(...c.rejectedRows(r.rejected));
  }
}
