// Request parsing and response shapes shared by the contact and deal routes: batch inputs
// (≤ 100), batch responses (200/201, or 207 with OBJECT_NOT_FOUND for missing ids) and the
// paged list (≤ 100 per page, `after` = next id).
import type { Request, Response } from 'express';
import { validationError } from './errors.ts';
import type { ObjectKind, StoredRecord } from './objects.ts';
import type { SandboxState } from './state.ts';

export const MAX_BATCH = 100;
export const MAX_PAGE = 100;

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function batchInputs(body: unknown, max = MAX_BATCH): unknown[] {
  if (!isObject(body) || !Array.isArray(body.inputs)) throw validationError("Invalid input JSON: 'inputs' must be an array.");
  if (body.inputs.length > max) {
    throw validationError(
      `The maximum number of inputs supported in a batch request is ${max}. Please reduce the number of items and try again`,
      { context: { maxInputs: [String(max)], inputs: [String(body.inputs.length)] } },
    );
  }
  return body.inputs;
}

/** The ids of batch update inputs: strings, unique, each with at least one property. */
export function updateInputIds(inputs: unknown[]): string[] {
  const ids = inputs.map((input, index) => {
    if (!isObject(input) || typeof input.id !== 'string') {
      throw validationError(`Invalid input JSON: input ${index} needs a string 'id'.`);
    }
    if (!isObject(input.properties) || Object.keys(input.properties).length === 0) {
      throw validationError('No properties found to update, please provide at least one.');
    }
    return input.id;
  });
  const dupes = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
  if (dupes.length > 0) {
    throw validationError(`Duplicate IDs found in batch input: [${dupes.join(', ')}]. IDs must be unique`, { context: { ids: dupes } });
  }
  return ids;
}

const notFoundMessage = (kind: ObjectKind) =>
  `Could not get some ${kind.upper} objects, they may be deleted or not exist. Check that ids are valid.`;

export function batchResponse(
  res: Response, state: SandboxState, kind: ObjectKind, ok: number, startedAt: string, results: unknown[], missing: string[],
) {
  const body: Json = { status: 'COMPLETE', results, startedAt, completedAt: new Date(state.now()).toISOString() };
  if (missing.length === 0) return res.status(ok).json(body);
  body.numErrors = 1;
  body.errors = [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: notFoundMessage(kind), context: { ids: missing } }];
  return res.status(207).json(body);
}

/**
 * One page of a list endpoint. Ids are assigned in increasing order and maps are kept in id
 * order, so `after` (the next id) is a stable cursor; `toJson` renders each record.
 */
export function listPage(req: Request, res: Response, base: string, records: Iterable<StoredRecord>, toJson: (r: StoredRecord) => unknown) {
  const limitRaw = req.query.limit;
  const limit = limitRaw === undefined ? 10 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw validationError(`limit must be an integer between 1 and ${MAX_PAGE}, got ${String(limitRaw)}`);
  }
  const afterRaw = req.query.after;
  if (afterRaw !== undefined && !/^\d+$/.test(String(afterRaw))) throw validationError(`Invalid after: ${String(afterRaw)}`);
  const after = afterRaw === undefined ? 0 : Number(afterRaw);
  const page: StoredRecord[] = [];
  let more = false;
  for (const record of records) {
    if (Number(record.id) < after) continue;
    if (page.length === limit) {
      more = true;
      break;
    }
    page.push(record);
  }
  const body: Json = { results: page.map(toJson) };
  if (more) {
    const next = String(Number(page[page.length - 1]!.id) + 1);
    const query = new URLSearchParams(req.query as Record<string, string>);
    query.set('after', next);
    body.paging = { next: { after: next, link: `${req.protocol}://${req.get('host')}${base}?${query}` } };
  }
  return res.json(body);
}
