/**
 * `sway import FILE`: loads people, interactions, brand conversations and provider scores from
 * an NDJSON or CSV file into one installation's store (formats: README, "Importing files").
 *
 * The file is read as a stream and stored in chunks of at most CHUNK_ROWS rows,
 * each through `storeSignals(…, { mode: 'lenient' })`: one transaction per chunk, bad items
 * left out and reported. At most two chunks are being stored while the next one is read
 * (src/import/chunk-pipeline.ts), so memory stays bounded by three chunks whatever the file size. Rows that cannot be loaded go to
 * `<file>.rejects.ndjson` (`{ line, reason, row }`, in line order); the file is removed when a
 * later import of the same file rejects nothing.
 *
 * Interrupting an import keeps the chunks already stored; importing the file again is safe
 * (ids are stable, so stored rows are duplicates and change nothing).
 */
import { open, rm, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { loadConfigOrExit, type Config } from '../config.ts';
import { createRowMapper, describeIssues, parseItemType, type ItemType, type RowMapper } from '../domain/import-rows.ts';
import { assertRedisReachable, closeQueues, createQueues, enqueue, redisConnection } from '../jobs/queues.ts';
import { openStore, type Db } from '../store/db.ts';
import { getInstallation } from '../store/installations.ts';
import { finishRun, startRun } from '../store/runs.ts';
import { ChunkPipeline, type StoredTotals } from './chunk-pipeline.ts';
import { createProgress, formatSummary, type ImportSummary } from './progress.ts';
import { ImportFileError, readCsv, readNdjson, type ReadRow, type RowSource } from './readers.ts';
import { RejectsFile, rejectsPathFor } from './rejects-file.ts';
import { analyzeMatchInputs, ANALYZE_AFTER_ROWS } from '../store/graph-load.ts';

export { ImportFileError } from './readers.ts';
export { REJECT_ROW_BYTES, rejectsPathFor, truncateRow } from './rejects-file.ts';
export type { ImportSummary } from './progress.ts';

/**
 * Rows per chunk (one transaction each). Twice the API's batch limit: each transaction costs a
 * few round trips and a WAL flush at commit, and 10,000 rows imported ~7% faster than 5,000
 * (bench:ingest); more gained nothing measurable.
 */
export const CHUNK_ROWS = 10_000;
/** Second bound on a chunk, next to its row count: rows can be large (texts up to 10,000 chars). */
export const CHUNK_BYTES = 8 * 1024 * 1024;

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
  const source = openSource(file, format, options.type);
  // Reading the first batch surfaces header problems before anything is changed.
  const first = await source.batches.next();

  const rejectsPath = rejectsPathFor(file);
  await rm(rejectsPath, { force: true });
  const rejects = new RejectsFile(rejectsPath);
  const runId = await startRun(db, installationId, 'import');
  const pipeline = new ChunkPipeline(db, installationId, rejects);
  let read: RowsRead;
  try {
    read = await readIntoChunks(source, first, format, mapper, pipeline, chunkRows, options.onProgress);
    await pipeline.drain();
  } catch (err) {
    await pipeline.drain().catch(() => {});
    await rejects.close().catch(() => {});
    await finishRun(db, runId, { status: 'failed', errors: [{ message: err instanceof Error ? err.message : String(err) }] }).catch(() => {});
    throw err;
  }
  await rejects.close();

  const summary = summarize(file, format, read, pipeline.totals, rejects, runId, started);
  // Fresh planner statistics, so the match run this import leads to keeps linear plans.
  if (summary.loaded >= ANALYZE_AFTER_ROWS) await analyzeMatchInputs(db);
  const { file: _f, format: _fmt, rejectsFile: _r, runId: _id, stoppedAtLine: _s, seconds: _sec, ...counts } = summary;
  await finishRun(db, runId, { status: 'succeeded', counts, errors: rejects.firstReasons });
  return summary;
}

/** The reader for the format; a CSV file must say each row's type unless `--type` does. */
function openSource(file: string, format: ImportFormat, type: ItemType | undefined): RowSource {
  if (format !== 'csv') return readNdjson(file);
  return readCsv(file, {
    onHeader: (columns) => {
      if (!type && !columns.includes('type')) throw new ImportFileError('a CSV file needs --type or a "type" column');
    },
  });
}

interface RowsRead {
  rows: number;
  /** The line a fatal read error stopped at (CSV syntax), else null. */
  stoppedAtLine: number | null;
}

/**
 * Validates every row and fills the pipeline's chunks, handing each one over when it is full
 * or when a person row must start a new one (src/import/chunk.ts). Inline per row, with no
 * object per row: this loop runs once per line of files of millions of lines.
 */
async function readIntoChunks(
  source: RowSource,
  first: IteratorResult<ReadRow[]>,
  format: ImportFormat,
  mapper: RowMapper,
  pipeline: ChunkPipeline,
  chunkRows: number,
  onProgress: ImportFileOptions['onProgress'],
): Promise<RowsRead> {
  let rows = 0;
  let stoppedAtLine: number | null = null;
  for (let next = first; !next.done; next = await source.batches.next()) {
    for (const r of next.value) {
      rows++;
      if (r.error !== undefined) {
        pipeline.pending.push({ line: r.line, reason: r.error, row: r.row });
        if (r.fatal) stoppedAtLine = r.line;
      } else {
        const result = format === 'csv' ? mapper.fromCsv(r.row as Record<string, string>) : mapper.fromJson(r.row);
        if (!result.ok) pipeline.pending.push({ line: r.line, reason: describeIssues(result.issues), row: r.row });
        else {
          if (pipeline.chunk.needsSplitBefore(result.item)) await pipeline.flush();
          pipeline.chunk.add(result.item, r.line, r.row, r.size);
        }
      }
      pipeline.chunk.rows++;
      if (pipeline.chunk.rows >= chunkRows || pipeline.chunk.bytes >= CHUNK_BYTES) await pipeline.flush();
    }
    onProgress?.(rows, source.bytesRead());
  }
  await pipeline.flush();
  return { rows, stoppedAtLine };
}

/** The figures `sway import` prints and the run history keeps. */
function summarize(file: string, format: ImportFormat, read: RowsRead, t: StoredTotals, rejects: RejectsFile, runId: string, started: number): ImportSummary {
  const seconds = (performance.now() - started) / 1000;
  return {
    file,
    format,
    rows: read.rows,
    loaded: t.people + t.interactionsNew + t.interactionsDuplicate + t.conversationsNew + t.conversationsDuplicate + t.scores,
    people: t.people,
    interactionsNew: t.interactionsNew,
    interactionsDuplicate: t.interactionsDuplicate,
    conversationsNew: t.conversationsNew,
    conversationsDuplicate: t.conversationsDuplicate,
    scores: t.scores,
    rejected: rejects.count,
    rejectsFile: rejects.count > 0 ? rejects.path : null,
    stoppedAtLine: read.stoppedAtLine,
    seconds: Math.round(seconds * 100) / 100,
    rowsPerSecond: Math.round(read.rows / Math.max(seconds, 0.001)),
    // The process's peak resident memory so far (kB from getrusage): what "memory bounded" means.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    runId,
  };
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
