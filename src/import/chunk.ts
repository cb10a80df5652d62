/**
 * One chunk of an import: consecutive rows of the file, their valid items as a signals batch
 * for `storeSignals`, and for every item the line and raw row it came from, so what the store
 * leaves out (`interactions.12.to`) can be reported against the file (line 4711).
 *
 * The store writes people before everything else in a batch. To keep the file's order
 * meaningful anyway, a person row starts a new chunk when the current chunk already refers to
 * that person (or already holds them): a row can only use people from lines above it, and a
 * person given twice is applied twice, in order.
 */
import { BATCH_LIST, describeIssues, type BatchList, type ImportItem } from '../domain/import-rows.ts';
import type { SignalsBatch } from '../domain/signals.ts';
import type { IngestIssue } from '../store/signals.ts';

export interface RejectedRow {
  line: number;
  reason: string;
  row: unknown;
}

export class Chunk {
  /** Rows of the file in this chunk, valid or not (the chunk size counts them all). */
  rows = 0;
  /** Approximate bytes of the items held (a second bound next to the row count). */
  bytes = 0;
  readonly batch: Required<SignalsBatch> = { people: [], interactions: [], conversations: [], scores: [] };
  /** Per list, the line and raw row of each item (two arrays: no object per row). */
  private readonly lines: Record<BatchList, number[]> = { people: [], interactions: [], conversations: [], scores: [] };
  private readonly raws: Record<BatchList, unknown[]> = { people: [], interactions: [], conversations: [], scores: [] };
  private readonly peopleHere = new Set<string>();
  /**
   * People the chunk's items refer to; built on the first person row only (most files hold
   * interactions only, and two Set inserts per row were a measurable share of an import).
   */
  private referenced: Set<string> | undefined;

  get items(): number {
    return this.batch.people.length + this.batch.interactions.length + this.batch.conversations.length + this.batch.scores.length;
  }

  /** True when this person row must go into a new chunk to keep the file's order (see above). */
  needsSplitBefore(item: ImportItem): boolean {
    if (item.type !== 'person') return false;
    if (this.peopleHere.has(item.value.id)) return true;
    if (!this.referenced) {
      this.referenced = new Set();
      for (const i of this.batch.interactions) this.referenced.add(i.from).add(i.to);
      for (const c of this.batch.conversations) this.referenced.add(c.person);
      for (const s of this.batch.scores) this.referenced.add(s.person);
    }
    return this.referenced.has(item.value.id);
  }

  add(item: ImportItem, line: number, row: unknown, bytes: number): void {
    this.bytes += bytes;
    switch (item.type) {
      case 'person':
        this.batch.people.push(item.value);
        this.peopleHere.add(item.value.id);
        break;
      case 'interaction':
        this.batch.interactions.push(item.value);
        this.referenced?.add(item.value.from).add(item.value.to);
        break;
      case 'conversation':
        this.batch.conversations.push(item.value);
        this.referenced?.add(item.value.person);
        break;
      case 'score':
        this.batch.scores.push(item.value);
        this.referenced?.add(item.value.person);
        break;
    }
    const list = BATCH_LIST[item.type];
    this.lines[list].push(line);
    this.raws[list].push(row);
  }

  /**
   * The store's issues (`people.3.emails.0`, `interactions.12.to`) as one rejected row per
   * item, with paths relative to the row as in validation issues.
   */
  rejectedRows(issues: readonly IngestIssue[]): RejectedRow[] {
    const byItem = new Map<string, { line: number; row: unknown; issues: IngestIssue[] }>();
    for (const issue of issues) {
      const [list, index, ...rest] = issue.path.split('.');
      const line = this.lines[list as BatchList]?.[Number(index)];
      if (line === undefined) throw new Error(`store reported an item this chunk does not have: ${issue.path}`);
      const key = `${list}.${index}`;
      const entry = byItem.get(key) ?? { line, row: this.raws[list as BatchList][Number(index)], issues: [] };
      entry.issues.push({ path: rest.join('.'), message: issue.message });
      byItem.set(key, entry);
    }
    return [...byItem.values()].map(({ line, row, issues: list }) => ({ line, row, reason: describeIssues(list) }));
  }
}
