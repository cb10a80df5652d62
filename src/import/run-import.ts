/**
 * `sway import FILE`: loads people, interactions, brand conversations and provider scores from
 * an NDJSON or CSV file into one installation's store (formats: README, "Importing files").
 *
 * The file is read as a stream and stored in chunks of at most CHUNK_ROWS rows,
 * each through `storeSignals(…, { mode: 'lenient' })`: one transaction per chunk, bad items
 * left out and reported. At most two chunks are being stored while the next one is read (see
 * `flush` below), so memory stays bounded by three chunks whatever the file size. Rows that cannot be loaded go to
 * `<file>.rejects.ndjson` (`{ line, reason, row }`, in line order); the file is removed when a
 * later import of the same file rejects nothing.
 *
 * Interrupting an import keeps the chunks already stored; importing the file again is safe
 * (ids are stable, so stored rows are duplicates and change nothing).
 */
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { loadConfigOrExit, type Config } from '../config.ts';
import { createRowMapper, describeIssues, parseItemType, type ItemType } from '../domain/import-rows.ts';
import { assertRedisReachable, closeQueues, createQueues, enqueue, redisConnection } from '../jobs/queues.ts';
import { openStore, type Db } from '../store/db.ts';
import { getInstallation } from '../store/installations.ts';
import { PersonIdCache } from '../store/person-id-cache.ts';
import { finishRun, startRun } from '../store/runs.ts';
import { storeSignals } from '../store/signals.ts';
import { Chunk, type RejectedRow } from './chunk.ts';
import { createProgress, formatSummary, type ImportSummary } from './progress.ts';
import { ImportFileError, readCsv, readNdjson } from './readers.ts';
import { analyzeMatchInputs, ANALYZE_AFTER_ROWS } from '../store/graph-load.ts';

export { ImportFileError } from './readers.ts';
export type { ImportSummary } from './progress.ts';

/**
 * Rows per chunk (one transaction each). Twice the API's batch limit: each transaction costs a
 * few round trips and a WAL flush at commit, and 10,000 rows imported ~7% faster than 5,000
 * (bench:ingest); more gained nothing measurable.
 */
export const CHUNK_ROWS = 10_000;
/** Second bound on a chunk, next to its row count: rows can be large (texts up to 10,000 chars). */
export const CHUNK_BYTES = 8 * 1024 * 1024;
/** A rejected row's `row` is cut to this many bytes of JSON in the rejects file. */
export const REJECT_ROW_BYTES = 2048;
/** Reasons kept in the run history (the rejects file has them all). */
const RUN_ERRORS_KEPT = 1000;

export type ImportFormat = 'ndjson' | 'csv';

export interface ImportFileOptions {
  /** `--type`: the type of rows that do not say, and the only type accepted. */
  type?: ItemType;
  /** Default: from the extension (.csv; .ndjson/.jsonl/.json), else from the first character. */
  format?: ImportFormat;
  /** The clock for "not in the future"; read once. */
  now?: Date;
  /** Rows per chunk (tests); at most CHUNK_ROWS. */
  chunkRows?: number;
  onProgress?: (rows: number, bytes: number) => void;
}

/** `<file>.rejects.ndjson`. */
export const rejectsPathFor = (file: string) => `${file}.rejects.ndjson`;

/**
 * Imports one file into an installation's store and returns the figures. Throws
 * ImportFileError when the file cannot be imported at all (bad CSV header, no type); then
 * nothing has been stored and an earlier rejects file is left as it was.
 */
export async function importFile(db: Db, installationId: string, file: string, options: ImportFileOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const format = options.format ?? (await detectFormat(file));
  const chunkRows = Math.min(options.chunkRows ?? CHUNK_ROWS, CHUNK_ROWS);
  const mapper = createRowMapper({ now: options.now ?? new Date(), type: options.type });
  const source =
    format === 'csv'
      ? readCsv(file, {
          onHeader: (columns) => {
            if (!options.type && !columns.includes('type')) throw new ImportFileError('a CSV file needs --type or a "type" column');
          },
        })
      : readNdjson(file);
  // Reading the first batch surfaces header problems before anything is changed.
  const first = await source.batches.next();

  const rejectsPath = rejectsPathFor(file);
  await rm(rejectsPath, { force: true });
  const rejects = new RejectsFile(rejectsPath);
  const runId = await startRun(db, installationId, 'import');
  const t = { rows: 0, people: 0, interactionsNew: 0, interactionsDuplicate: 0, conversationsNew: 0, conversationsDuplicate: 0, scores: 0 };
  let stoppedAtLine: number | null = null;
  let chunk = new Chunk();
  let pending: RejectedRow[] = []; // rows of the current chunk refused before the store

  // Chunks are stored while the next ones are read and validated, so Node and the database
  // work at the same time. Up to two stores run at once — PostgreSQL then uses both cores —
  // but never past a chunk that defines people (later chunks may refer to them): stores stay
  // in file order where it matters, and at most three chunks are in memory whatever the file
  // size. Rejects are written in chunk order.
  let inflight: { done: Promise<void>; people: boolean }[] = [];
  const personIds = new PersonIdCache();
  let written: Promise<void> = Promise.resolve();
  const flush = async () => {
    const c = chunk;
    const p = pending;
    chunk = new Chunk();
    pending = [];
    while (inflight.length >= 2 || inflight.some((f) => f.people)) {
      await inflight[0]!.done;
      inflight.shift();
    }
    const stored = (async () => {
      if (c.items === 0) return;
      const r = await storeSignals(db, installationId, c.batch, { mode: 'lenient', personIds });
      t.people += r.peopleUpserted;
      t.interactionsNew += r.interactionsStored;
      t.interactionsDuplicate += r.interactionsDuplicate;
      t.conversationsNew += r.conversationsStored;
      t.conversationsDuplicate += r.conversationsDuplicate;
      t.scores += r.scoresStored;
      p.push(...c.rejectedRows(r.rejected));
    })();
    written = written.then(() => stored).then(() => rejects.write(p.sort((a, b) => a.line - b.line)));
    // Failures surface where these are awaited (the next flush or the drain); until then they
    // must not count as unhandled rejections, which would end the process.
    stored.catch(() => {});
    written.catch(() => {});
    inflight.push({ done: written, people: c.batch.people.length > 0 });
  };
  const drain = async () => {
    await written;
    inflight = [];
  };

  try {
    for (let next = first; !next.done; next = await source.batches.next()) {
      for (const r of next.value) {
        t.rows++;
        if (r.error !== undefined) {
          pending.push({ line: r.line, reason: r.error, row: r.row });
          if (r.fatal) stoppedAtLine = r.line;
        } else {
          const result = format === 'csv' ? mapper.fromCsv(r.row as Record<string, string>) : mapper.fromJson(r.row);
          if (!result.ok) pending.push({ line: r.line, reason: describeIssues(result.issues), row: r.row });
          else {
            if (chunk.needsSplitBefore(result.item)) await flush();
            chunk.add(result.item, r.line, r.row, r.size);
          }
        }
        chunk.rows++;
        if (chunk.rows >= chunkRows || chunk.bytes >= CHUNK_BYTES) await flush();
      }
      options.onProgress?.(t.rows, source.bytesRead());
    }
    await flush();
    await drain();
  } catch (err) {
    await drain().catch(() => {});
    await rejects.close().catch(() => {});
    await finishRun(db, runId, { status: 'failed', errors: [{ message: err instanceof Error ? err.message : String(err) }] }).catch(() => {});
    throw err;
  }
  await rejects.close();

  const seconds = (performance.now() - started) / 1000;
  const loaded = t.people + t.interactionsNew + t.interactionsDuplicate + t.conversationsNew + t.conversationsDuplicate + t.scores;
  const summary: ImportSummary = {
    file,
    format,
    rows: t.rows,
    loaded,
    people: t.people,
    interactionsNew: t.interactionsNew,
    interactionsDuplicate: t.interactionsDuplicate,
    conversationsNew: t.conversationsNew,
    conversationsDuplicate: t.conversationsDuplicate,
    scores: t.scores,
    rejected: rejects.count,
    rejectsFile: rejects.count > 0 ? rejectsPath : null,
    stoppedAtLine,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(t.rows / Math.max(seconds, 0.001)),
    // The process's peak resident memory so far (kB from getrusage): what "memory bounded" means.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    runId,
  };
  // Fresh planner statistics, so the match run this import leads to keeps linear plans.
  if (loaded >= ANALYZE_AFTER_ROWS) await analyzeMatchInputs(db);
  const { file: _f, format: _fmt, rejectsFile: _r, runId: _id, stoppedAtLine: _s, seconds: _sec, ...counts } = summary;
  await finishRun(db, runId, { status: 'succeeded', counts, errors: rejects.firstReasons });
  return summary;
}

/** The rejects file, created on the first rejected row; lines are written a chunk at a time. */
class RejectsFile {
  count = 0;
  readonly firstReasons: { recordId: string; message: string }[] = [];
  private handle: FileHandle | undefined;
  constructor(private readonly path: string) {}

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

async function detectFormat(file: string): Promise<ImportFormat> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
    return first === '{' ? 'ndjson' : 'csv';
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The command

export interface ImportCommandOptions {
  installation: string;
  type?: string;
  json?: boolean;
  quiet?: boolean;
}

/**
 * The token key, which `sway import` never uses (it touches no OAuth token and calls no CRM)
 * but the configuration schema requires: a placeholder, so an operator can import with only
 * DATABASE_URL/PGLITE_DIR (and optionally REDIS_URL) set. The CRM blocks are not read at all
 * (`crms: 'ignored'`), so a missing or malformed CRM setting cannot stop an import.
 */
const UNUSED_BY_IMPORT = { SWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Runs `sway import` and returns its exit code: 0 all rows loaded, 3 some rejected, 2 usage
 * error (one `sway: …` line). Unexpected failures are thrown (the CLI exits 1).
 */
export async function runImportCommand(file: string, opts: ImportCommandOptions, env: Record<string, string | undefined>): Promise<number> {
  const usage = (message: string) => {
    process.stderr.write(`sway: ${message}\n`);
    return 2;
  };
  let type: ItemType | undefined;
  if (opts.type !== undefined) {
    type = parseItemType(opts.type);
    if (!type) return usage(`unknown --type "${opts.type}": use people, interactions, conversations or scores`);
  }
  const unreadable = await checkReadable(file);
  if (unreadable) return usage(`${file}: ${unreadable}`);

  const config = loadConfigOrExit({ ...env, ...UNUSED_BY_IMPORT }, { crms: 'ignored' });
  const store = await openStore(config);
  try {
    if (!UUID.test(opts.installation) || !(await getInstallation(store.db, opts.installation))) {
      const where = config.store.kind === 'pg' ? 'the DATABASE_URL store' : `the embedded store in ${config.store.dir}`;
      return usage(`no installation "${opts.installation}" in ${where} (the id is shown after installing Sway)`);
    }
    const { size } = await stat(file);
    const progress = createProgress({ totalBytes: size, enabled: !opts.quiet && process.stderr.isTTY === true });
    let summary: ImportSummary;
    try {
      summary = await importFile(store.db, opts.installation, file, { type, onProgress: (rows, bytes) => progress.update(rows, bytes) });
    } catch (err) {
      if (err instanceof ImportFileError) return usage(`${file}: ${err.message}`);
      throw err;
    } finally {
      progress.stop();
    }
    const scoreJobId = summary.loaded > 0 ? await enqueueScore(config, opts.installation, summary.runId) : null;
    process.stdout.write(formatSummary(summary));
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, scoreJobId })}\n`);
    return summary.rejected > 0 ? 3 : 0;
  } finally {
    await store.close();
  }
}

async function checkReadable(file: string): Promise<string | null> {
  try {
    const handle = await open(file, 'r');
    const s = await handle.stat();
    await handle.close();
    return s.isDirectory() ? 'is a directory, not a file' : null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'no such file';
    if (code === 'EISDIR') return 'is a directory, not a file';
    if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
    return `cannot be read (${(err as Error).message})`;
  }
}

/** Queues scoring when Redis is there; otherwise says when scores will catch up. */
async function enqueueScore(config: Config, installationId: string, runId: string): Promise<string | null> {
  try {
    await assertRedisReachable(config.redis.url, 2000);
  } catch {
    process.stderr.write('sway: note: Redis is not reachable, so no score job was queued; scores update on the next score run (next ingest or pull)\n');
    return null;
  }
  const connection = redisConnection(config.redis.url);
  const queues = createQueues(connection, config.redis.prefix);
  try {
    return await enqueue(queues, 'score', installationId, `import-${runId}`);
  } finally {
    await closeQueues(queues);
    connection.disconnect();
  }
}
