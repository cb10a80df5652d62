/**
 * What `sway import` shows while it runs and when it ends. The bar (cli-progress, on stderr)
 * shows rows, rows/s and an ETA from bytes read against the file size; it is off when stderr
 * is not a terminal (logs, CI, pipes) or with --quiet. The summary is printed in every case.
 */
import cliProgress from 'cli-progress';
import type { StoredTotals } from './chunk-pipeline.ts';

export interface ImportProgress {
  /** Cheap to call often: the bar redraws at most a few times a second. */
  update(rows: number, bytes: number): void;
  stop(): void;
}

export function createProgress(options: { totalBytes: number; enabled: boolean; stream?: NodeJS.WriteStream }): ImportProgress {
  if (!options.enabled) return { update() {}, stop() {} };
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream ?? process.stderr,
      format: 'importing {bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
      fps: 5,
      // ETA over the last ~50 updates: smooths the pauses while a chunk is being stored.
      etaBuffer: 50,
      clearOnComplete: true,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(options.totalBytes, 1), 0, { rows: 0, rate: 0 });
  let stopped = false;
  return {
    update(rows, bytes) {
      if (stopped) return;
      const seconds = (Date.now() - started) / 1000;
      bar.update(bytes, { rows: rows.toLocaleString('en-US'), rate: seconds > 0 ? Math.round(rows / seconds).toLocaleString('en-US') : 0 });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}

/** The figures of one import, as printed and as `--json` emits them. */
export interface ImportSummary extends StoredTotals {
  file: string;
  format: 'ndjson' | 'csv';
  /** Rows read: non-blank lines (NDJSON) or records after the header (CSV). */
  rows: number;
  /** Rows stored: people + interactions (new and duplicate) + conversations (new and duplicate) + scores. */
  loaded: number;
  rejected: number;
  /** `<file>.rejects.ndjson` when rows were rejected, else null (and no such file exists). */
  rejectsFile: string | null;
  /** Line of a CSV syntax error after which the file could not be read; null when read to the end. */
  stoppedAtLine: number | null;
  seconds: number;
  rowsPerSecond: number;
  /** Peak resident memory of the importing process, MB. */
  peakRssMb: number;
  /** The import's entry in run history (`GET /api/v1/runs?kind=import`). */
  runId: string;
}

const n = (x: number) => x.toLocaleString('en-US');

/** The human summary: one line, plus one pointing at the rejects when there are any. */
export function formatSummary(s: ImportSummary): string {
  const lines = [
    `sway import: ${n(s.rows)} rows in ${s.seconds} s (${n(s.rowsPerSecond)} rows/s): loaded ${n(s.loaded)} ` +
      `(people ${n(s.people)}; interactions ${n(s.interactionsNew)} new, ${n(s.interactionsDuplicate)} duplicate; ` +
      `conversations ${n(s.conversationsNew)} new, ${n(s.conversationsDuplicate)} duplicate; scores ${n(s.scores)}), rejected ${n(s.rejected)}`,
  ];
  if (s.stoppedAtLine !== null) lines.push(`sway import: stopped at line ${s.stoppedAtLine}: the CSV cannot be read past it (see the rejects file)`);
  if (s.rejectsFile) lines.push(`sway import: rejected rows are in ${s.rejectsFile} (one JSON line each: line, reason, row)`);
  return `${lines.join('\n')}\n`;
}
