/**
 * Streamed row readers for `sway import`: NDJSON and CSV files as an async sequence of row
 * batches (the rows of one read buffer, ~1 MB), each row with its 1-based line number. Batches,
 * not single rows, because one awaited step per row cost more than parsing the row. Nothing is
 * read ahead of the consumer beyond one stream buffer: a caller that awaits a slow store between
 * batches holds the file still, so memory stays bounded whatever the file size.
 *
 * A row that cannot be read (malformed JSON, a CSV record with the wrong number of fields, an
 * over-long line) is yielded with `error` set, not thrown: it is a rejected row like any other.
 * Only a CSV syntax error the parser cannot recover from (an unclosed quote) ends the file early;
 * that last row has `fatal` set.
 */
import { createReadStream } from 'node:fs';
import { parse, type CsvError, type Info } from 'csv-parse';

export interface ReadRow {
  /** 1-based line where the row starts (blank lines are counted, so it matches an editor). */
  line: number;
  /** The parsed JSON value, the CSV record (header → cell), or for an unreadable row its raw text. */
  row: unknown;
  /** Why the row could not be read; absent for a readable row. */
  error?: string;
  /** Set on a CSV syntax error after which nothing more can be read. */
  fatal?: boolean;
  /** Bytes of the file the row took (a chunk's memory bound counts them). */
  size: number;
}

export interface RowSource {
  /** Rows in file order, a read buffer's worth at a time; never an empty batch. */
  batches: AsyncGenerator<ReadRow[]>;
  /** Bytes of the file consumed up to the end of the last batch (for progress and ETA). */
  bytesRead(): number;
}

/** CSV records are gathered into batches of at most this many rows or {@link READ_CHUNK_BYTES}. */
const CSV_BATCH_ROWS = 2000;

/** Longest line (NDJSON) or record (CSV) read; a valid item is far smaller (text ≤ 10,000 chars). */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;
/** How much of an unreadable line is kept for the rejects file. */
const RAW_KEEP_BYTES = 2048;
const READ_CHUNK_BYTES = 1024 * 1024;

/** A problem with the file as a whole (e.g. a bad CSV header); the import does not start. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

// ---------------------------------------------------------------------------------------------
// NDJSON

/**
 * One JSON value per line. Lines are split on LF by hand (a line may span many read buffers),
 * a trailing CR is dropped (CRLF files), a UTF-8 BOM on the first line is ignored, and blank
 * lines are skipped. A line longer than {@link MAX_LINE_BYTES} is not buffered: its first 2 KB
 * are kept and it is reported as unreadable.
 */
export function readNdjson(path: string, options: { maxLineBytes?: number } = {}): RowSource {
  const max = options.maxLineBytes ?? MAX_LINE_BYTES;
  let bytes = 0;
  async function* batches(): AsyncGenerator<ReadRow[]> {
    const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    let parts: Buffer[] = [];
    let length = 0;
    let overlong = false;
    let line = 0;
    const append = (piece: Buffer) => {
      if (piece.length === 0 || overlong) return;
      if (length + piece.length > max) {
        // Keep a copy of the start only: holding `piece` would pin its whole read buffer.
        const head = Buffer.concat([...parts, piece]).subarray(0, RAW_KEEP_BYTES);
        parts = [Buffer.from(head)];
        overlong = true;
        return;
      }
      parts.push(piece);
      length += piece.length;
    };
    const finish = (): ReadRow | null => {
      line++;
      const wasOverlong = overlong;
      let buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      const size = length + 1;
      parts = [];
      length = 0;
      overlong = false;
      if (wasOverlong) {
        return { line, row: `${buf.toString('utf8')}…`, error: `Line is longer than ${max} bytes`, size: max };
      }
      if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
      if (line === 1 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      const text = buf.toString('utf8');
      if (isBlank(text)) return null;
      try {
        return { line, row: JSON.parse(text), size };
      } catch (err) {
        return { line, row: text, error: `Invalid JSON: ${(err as Error).message}`, size };
      }
    };
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const batch: ReadRow[] = [];
        let start = 0;
        for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
          append(chunk.subarray(start, nl));
          start = nl + 1;
          const row = finish();
          if (row) batch.push(row);
        }
        append(chunk.subarray(start));
        bytes += chunk.length;
        if (batch.length > 0) yield batch;
      }
      if (length > 0 || overlong) {
        const row = finish();
        if (row) yield [row];
      }
    } finally {
      stream.destroy();
    }
  }
  return { batches: batches(), bytesRead: () => bytes };
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0xfeff) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// CSV

export interface CsvReadOptions {
  /** Called with the header's column names before the first row; may throw ImportFileError. */
  onHeader?: (columns: string[]) => void;
  maxRecordBytes?: number;
}

/**
 * CSV through csv-parse's streaming parser: the first record is the header (names trimmed;
 * empty or repeated names are an {@link ImportFileError}); every later record becomes an object
 * header → cell. CRLF and LF both work, quoted cells may hold newlines, a BOM is ignored, blank
 * lines are skipped, and a stray quote inside an unquoted cell is kept as text. A record with
 * more or fewer cells than the header is an unreadable row (never silently cut to fit).
 */
export function readCsv(path: string, options: CsvReadOptions = {}): RowSource {
  let bytes = 0;
  async function* batches(): AsyncGenerator<ReadRow[]> {
    const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    const parser = stream.pipe(
      parse({
        bom: true,
        info: true,
        relax_column_count: true,
        relax_quotes: true,
        skip_empty_lines: true,
        max_record_size: options.maxRecordBytes ?? MAX_LINE_BYTES,
      }),
    );
    stream.on('error', (err) => parser.destroy(err));
    let header: string[] | undefined;
    let lastLine = 0;
    // csv-parse's `lines` is the line a record ends on, except that it counts a CRLF inside a
    // quoted cell as two lines (csv-parse 7); subtract those, then step back over the cell
    // newlines to the line the record starts on.
    let overcount = 0;
    let batch: ReadRow[] = [];
    let batchBytes = 0;
    let recordEnd = 0;
    const take = () => {
      const b = batch;
      batch = [];
      batchBytes = 0;
      bytes = recordEnd;
      return b;
    };
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
        const size = info.bytes - recordEnd;
        recordEnd = info.bytes;
        const { lf, crlf } = cellNewlines(record);
        overcount += crlf;
        lastLine = info.lines - overcount;
        const line = lastLine - lf;
        if (!header) {
          header = checkHeader(record);
          options.onHeader?.(header);
          continue;
        }
        if (record.length === 1 && record[0]!.trim() === '') continue; // a whitespace-only line
        if (record.length !== header.length) {
          batch.push({ line, row: record, error: `Expected ${header.length} fields (as in the header), got ${record.length}`, size });
        } else {
          const row: Record<string, string> = {};
          header.forEach((name, i) => (row[name] = record[i]!));
          batch.push({ line, row, size });
        }
        batchBytes += size;
        if (batch.length >= CSV_BATCH_ROWS || batchBytes >= READ_CHUNK_BYTES) yield take();
      }
      if (batch.length > 0) yield take();
      bytes = recordEnd;
    } catch (err) {
      if (err instanceof ImportFileError || !isCsvError(err)) throw err;
      const reported = (err as CsvError & { lines?: number }).lines;
      const line = reported !== undefined ? reported - overcount : lastLine + 1;
      const rest = take();
      rest.push({ line, row: '', error: `CSV syntax error: ${err.message}; the rest of the file was not read`, fatal: true, size: 0 });
      yield rest;
    } finally {
      stream.destroy();
    }
  }
  return { batches: batches(), bytesRead: () => bytes };
}

function checkHeader(record: string[]): string[] {
  const names = record.map((n) => n.trim());
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw new ImportFileError(`CSV header: column ${i + 1} has no name`);
    if (seen.has(name)) throw new ImportFileError(`CSV header: column "${name}" appears twice`);
    seen.add(name);
  });
  return names;
}

/** Line breaks inside a record's cells: every LF, and how many of them are CRLF. */
function cellNewlines(record: string[]): { lf: number; crlf: number } {
  let lf = 0;
  let crlf = 0;
  for (const cell of record) {
    for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) {
      lf++;
      if (i > 0 && cell.charCodeAt(i - 1) === 0x0d) crlf++;
    }
  }
  return { lf, crlf };
}

function isCsvError(err: unknown): err is CsvError {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('CSV_');
}
