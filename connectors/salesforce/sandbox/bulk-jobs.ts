// Bulk API 2.0 ingest jobs: the job record, its state progression and the processing of its CSV.
// A closed job (UploadComplete) answers InProgress to its first `bulkPollsToComplete` GETs and is
// processed on the next one, ending JobComplete, or Failed when the CSV cannot be used at all
// (unknown column, no rows). Rows are written with records.ts, so field checks, row-lock faults
// and stamps match the other write paths; each row ends in successfulResults or failedResults.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { recordError } from './errors.ts';
import { normalizeId } from './ids.ts';
import { attempt, deleteRecord, insertRecord, updateRecord, type Values } from './records.ts';
import { findField, type ObjectDef } from './schema.ts';
import { sfDateTime, type SandboxState } from './state.ts';
import { API_VERSION } from './types.ts';

export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
export const OPERATIONS = ['insert', 'update', 'upsert', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface BulkJob {
  id: string;
  object: ObjectDef;
  operation: Operation;
  externalIdFieldName?: string;
  lineEnding: 'LF' | 'CRLF';
  state: JobState;
  createdAt: number;
  modifiedAt: number;
  uploads: string[];
  polls: number;
  processed: number;
  failed: number;
  errorMessage?: string;
  results?: { columns: string[]; successful: string[][]; failed: string[][]; unprocessed: string[][] };
}

export function jobInfo(state: SandboxState, job: BulkJob, withCounters = true): Record<string, unknown> {
  const info: Record<string, unknown> = {
    id: job.id, operation: job.operation, object: job.object.name, createdById: state.opts.userId,
    createdDate: sfDateTime(job.createdAt), systemModstamp: sfDateTime(job.modifiedAt), state: job.state,
    ...(job.externalIdFieldName ? { externalIdFieldName: job.externalIdFieldName } : {}),
    concurrencyMode: 'Parallel', contentType: 'CSV', apiVersion: Number(API_VERSION), jobType: 'V2Ingest',
    contentUrl: `services/data/v${API_VERSION}/jobs/ingest/${job.id}/batches`, lineEnding: job.lineEnding, columnDelimiter: 'COMMA',
  };
  if (withCounters) {
    Object.assign(info, { numberRecordsProcessed: job.processed, numberRecordsFailed: job.failed, retries: 0, totalProcessingTime: 0, apiActiveProcessingTime: 0, apexProcessingTime: 0 });
    if (job.errorMessage) info.errorMessage = job.errorMessage;
  }
  return info;
}

/** Called on each GET of the job: moves a closed job along and processes it when it is due. */
export function advance(state: SandboxState, job: BulkJob): void {
  if (job.state !== 'UploadComplete' && job.state !== 'InProgress') return;
  job.polls += 1;
  job.modifiedAt = state.now();
  if (job.polls <= state.opts.bulkPollsToComplete) {
    job.state = 'InProgress';
    return;
  }
  process(state, job);
}

function parseRows(job: BulkJob): { columns: string[]; rows: string[][] } {
  const rows = parse(job.uploads.join(''), { relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][];
  const columns = rows.shift() ?? [];
  return { columns, rows };
}

/** Row values for the writer: '' leaves a field as it is, '#N/A' clears it (Bulk 2.0's null). */
function rowValues(columns: string[], row: string[]): Values {
  const values: Values = {};
  columns.forEach((column, i) => {
    const cell = row[i] ?? '';
    if (column.toLowerCase() === 'id' || cell === '') return;
    values[column] = cell === '#N/A' ? null : cell;
  });
  return values;
}

function process(state: SandboxState, job: BulkJob): void {
  let parsed: { columns: string[]; rows: string[][] };
  try {
    parsed = parseRows(job);
  } catch (error) {
    return fail(job, `InvalidBatch : ${(error as Error).message}`);
  }
  const { columns, rows } = parsed;
  const unknown = columns.find((c) => c.toLowerCase() !== 'id' && !state.visibleField(job.object, c));
  if (unknown) return fail(job, `InvalidBatch : Field name not found : ${unknown}`);
  if (rows.length === 0) return fail(job, 'InvalidBatch : Failed to process query: no rows');
  const idAt = columns.findIndex((c) => c.toLowerCase() === 'id');
  if ((job.operation === 'update' || job.operation === 'delete') && idAt < 0) return fail(job, 'InvalidBatch : Field name not found : Id');
  const keyField = job.externalIdFieldName;
  const keyAt = keyField ? columns.findIndex((c) => c.toLowerCase() === keyField.toLowerCase()) : -1;
  if (job.operation === 'upsert' && keyAt < 0) return fail(job, `InvalidBatch : Field name not found : ${keyField}`);

  const results = { columns, successful: [] as string[][], failed: [] as string[][], unprocessed: [] as string[][] };
  const byKey = keyField ? keyIndex(state, job.object, keyField) : new Map<string, string>();
  for (const row of rows) {
    const id = idAt >= 0 ? row[idAt] ?? '' : '';
    const outcome = attempt(() => writeRow(state, job, columns, row, id, keyAt, byKey));
    if ('ok' in outcome) results.successful.push([outcome.ok.id, String(outcome.ok.created), ...row]);
    else results.failed.push([id, `${outcome.error.statusCode}:${outcome.error.message}:${outcome.error.fields.join(',')} --`, ...row]);
  }
  job.results = results;
  job.processed = rows.length;
  job.failed = results.failed.length;
  job.state = 'JobComplete';
}

/** Upsert's lookup: live records by the lower-cased external id value (built once per job). */
function keyIndex(state: SandboxState, object: ObjectDef, keyName: string): Map<string, string> {
  const field = findField(object, keyName)!;
  const index = new Map<string, string>();
  for (const r of state.liveRecords(object.name)) {
    const value = r.values[field.name];
    if (value !== null && value !== undefined && value !== '') index.set(String(value).toLowerCase(), r.values.Id);
  }
  return index;
}

function writeRow(
  state: SandboxState, job: BulkJob, columns: string[], row: string[], id: string, keyAt: number, byKey: Map<string, string>,
): { id: string; created: boolean } {
  const values = rowValues(columns, row);
  const { object } = job;
  if (job.operation === 'insert') return { id: insertRecord(state, object, values).values.Id, created: true };
  if (job.operation === 'update') return { id: updateRecord(state, object, id, values).values.Id, created: false };
  if (job.operation === 'delete') {
    const record = state.live(object.name, id);
    if (!record) throw normalizeId(id) ? recordError('ENTITY_IS_DELETED', 'entity is deleted') : recordError('MALFORMED_ID', `bad id ${id}`, ['Id']);
    deleteRecord(state, record);
    return { id: record.values.Id, created: false };
  }
  const key = (row[keyAt] ?? '').toLowerCase();
  const match = key === '' ? undefined : byKey.get(key);
  if (match) return { id: updateRecord(state, object, match, values).values.Id, created: false };
  const created = insertRecord(state, object, values).values.Id;
  if (key !== '') byKey.set(key, created);
  return { id: created, created: true };
}

function fail(job: BulkJob, message: string): void {
  job.state = 'Failed';
  job.errorMessage = message;
}

/** Rows of one result set as Bulk 2.0 CSV (LF line endings, every field quoted). */
export function resultCsv(job: BulkJob, kind: 'successful' | 'failed' | 'unprocessed'): string {
  const columns = job.results?.columns ?? parseRowsSafe(job).columns;
  const head = kind === 'successful' ? ['sf__Id', 'sf__Created', ...columns] : kind === 'failed' ? ['sf__Id', 'sf__Error', ...columns] : columns;
  const rows = job.results ? job.results[kind] : kind === 'unprocessed' ? parseRowsSafe(job).rows : [];
  return stringify([head, ...rows], { quoted: true, record_delimiter: job.lineEnding === 'CRLF' ? '\r\n' : '\n' });
}

function parseRowsSafe(job: BulkJob): { columns: string[]; rows: string[][] } {
  try {
    return parseRows(job);
  } catch {
    return { columns: [], rows: [] };
  }
}
