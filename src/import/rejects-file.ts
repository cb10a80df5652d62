/**
 * `<file>.rejects.ndjson`: the rows an import could not load (`{ line, reason, row }`, in line
 * order), and the first reasons for the run history (src/store/runs.ts keeps them).
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { RejectedRow } from './chunk.ts';

/** A rejected row's `row` is cut to this many bytes of JSON in the rejects file. */
export const REJECT_ROW_BYTES = 2048;
/** Reasons kept in the run history (the rejects file has them all). */
const RUN_ERRORS_KEPT = 1000;

/** `<file>.rejects.ndjson`. */
export const rejectsPathFor = (file: string) => `${file}.rejects.ndjson`;

/** The rejects file, created on the first rejected row; lines are written a chunk at a time. */
export class RejectsFile {
  count = 0;
  readonly firstReasons: { recordId: string; message: string }[] = [];
  private handle: FileHandle | undefined;
  constructor(readonly path: string) {}

  async write(rows: readonly RejectedRow[]): Promise<void> {
    if (rows.length === 0) return;
    this.handle ??= await open(this.path, 'w');
    this.count += rows.length;
    for (const r of rows) {
      if (this.firstReasons.length >= RUN_ERRORS_KEPT) break;
      this.firstReasons.push({ recordId: `line ${r.line}`, message: r.reason });
    }
    await this.handle.write(rows.map((r) => `${JSON.stringify({ line: r.line, reason: r.reason, row: truncateRow(r.row) })}\n`).join(''));
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

/** The row as read, or — when its JSON is over 2 KB — the first 2 KB of that JSON as a string ending in "…". */
export function truncateRow(row: unknown): unknown {
  const json = typeof row === 'string' ? row : JSON.stringify(row);
  if (json === undefined || Buffer.byteLength(json) <= REJECT_ROW_BYTES) return row;
  return `${Buffer.from(json).subarray(0, REJECT_ROW_BYTES).toString('utf8').replace(/\uFFFD$/, '')}…`;
}
