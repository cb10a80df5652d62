// sObject Collections: POST (create), PATCH (update) and DELETE (?ids=) /composite/sobjects, up to
// 200 records a call. The answer is an array in request order, `{id, success, errors:
// [{statusCode, message, fields}]}` per record. With allOrNone false each record stands alone;
// with allOrNone true one failure rolls every record back and the others report
// ALL_OR_NONE_OPERATION_ROLLED_BACK.
import { type Request, type Response, Router } from 'express';
import { recordError, restError, type RecordError } from './errors.ts';
import { normalizeId } from './ids.ts';
import { attempt, deleteRecord, insertRecord, updateRecord } from './records.ts';
import type { SandboxState, StoredRecord } from './state.ts';

export const MAX_COLLECTION = 200;
const tooMany = () => restError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`);
const ROLLED_BACK: RecordError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

interface Outcome {
  id?: string;
  success: boolean;
  errors: RecordError[];
}

/** Runs writes, remembering how to undo them, and rolls all back if allOrNone and one failed. */
function writeAll(state: SandboxState, allOrNone: boolean, writes: Array<() => { id?: string; undo?: () => void }>): Outcome[] {
  const undos: Array<() => void> = [];
  const outcomes: Outcome[] = writes.map((write) => {
    const result = attempt(write);
    if ('error' in result) return { success: false, errors: [result.error] };
    if (result.ok.undo) undos.push(result.ok.undo);
    return { ...(result.ok.id ? { id: result.ok.id } : {}), success: true, errors: [] };
  });
  if (!allOrNone || outcomes.every((o) => o.success)) return outcomes;
  for (const undo of undos.reverse()) undo();
  return outcomes.map((o) => (o.success ? { success: false, errors: [ROLLED_BACK] } : o));
}

function snapshot(state: SandboxState, record: StoredRecord): () => void {
  const values = structuredClone(record.values);
  const deletedAt = record.deletedAt;
  return () => {
    record.values = values;
    record.deletedAt = deletedAt;
    state.touched(record.type);
  };
}

function parseBody(req: Request): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
  const body = req.body as { allOrNone?: unknown; records?: unknown } | undefined;
  if (!body || !Array.isArray(body.records)) throw restError(400, 'JSON_PARSER_ERROR', "The request body needs a 'records' array");
  if (body.records.length > MAX_COLLECTION) throw tooMany();
  const records = body.records.map((r) => {
    const type = (r as { attributes?: { type?: unknown } } | null)?.attributes?.type;
    if (typeof type !== 'string') throw restError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
    return r as Record<string, unknown>;
  });
  return { allOrNone: body.allOrNone === true, records };
}

export function collectionsRouter(state: SandboxState): Router {
  const router = Router();
  const objectFor = (record: Record<string, unknown>) => {
    const type = (record.attributes as { type: string }).type;
    const object = state.object(type);
    if (!object) throw restError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
    return object;
  };

  router.post('/composite/sobjects', (req: Request, res: Response) => {
    const { allOrNone, records } = parseBody(req);
    const objects = records.map(objectFor);
    res.json(writeAll(state, allOrNone, records.map((input, i) => () => {
      if (input.Id !== undefined || input.id !== undefined) fail('INVALID_FIELD', 'cannot specify Id in an insert call');
      const record = insertRecord(state, objects[i]!, input);
      return { id: record.values.Id, undo: () => state.removeRecord(record) };
    })));
  });

  router.patch('/composite/sobjects', (req: Request, res: Response) => {
    const { allOrNone, records } = parseBody(req);
    const objects = records.map(objectFor);
    res.json(writeAll(state, allOrNone, records.map((input, i) => () => {
      const id = input.Id ?? input.id;
      if (id === undefined) return fail('MISSING_ARGUMENT', 'Id not specified in an update call');
      const live = typeof id === 'string' ? state.live(objects[i]!.name, id) : undefined;
      const undo = live ? snapshot(state, live) : undefined;
      const record = updateRecord(state, objects[i]!, id, input);
      return { id: record.values.Id, ...(undo ? { undo } : {}) };
    })));
  });

  router.delete('/composite/sobjects', (req: Request, res: Response) => {
    const ids = String(req.query.ids ?? '').split(',').filter(Boolean);
    if (ids.length === 0) throw restError(400, 'MISSING_ARGUMENT', "The 'ids' parameter is required");
    if (ids.length > MAX_COLLECTION) throw tooMany();
    res.json(writeAll(state, req.query.allOrNone === 'true', ids.map((raw) => () => {
      const id = normalizeId(raw);
      const record = id ? state.records.get(id) : undefined;
      if (!record) return fail('MALFORMED_ID', `malformed id ${raw}`);
      if (record.deletedAt !== undefined) return fail('ENTITY_IS_DELETED', 'entity is deleted');
      const undo = snapshot(state, record);
      deleteRecord(state, record);
      return { id: record.values.Id, undo };
    })));
  });
  return router;
}

function fail(statusCode: string, message: string): never {
  throw recordError(statusCode, message);
}
