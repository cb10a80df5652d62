// sObject resources: the global and per-object describe, the deleted-records window, and
// single-record create (201 {id, success, errors}), read (?fields=), update (204) and delete (204).
import { type Request, type Response, Router } from 'express';
import { describeObject, objectSummary } from './describe.ts';
import { notFound, recordHttpError, restError } from './errors.ts';
import { normalizeId } from './ids.ts';
import { attempt, deleteRecord, insertRecord, updateRecord } from './records.ts';
import type { ObjectDef } from './schema.ts';
import { sfDateTime, type SandboxState } from './state.ts';
import { API_VERSION } from './types.ts';

const DELETED_WINDOW_MS = 30 * 86_400_000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function sobjectRouter(state: SandboxState): Router {
  const router = Router();
  const objectOf = (req: Request): ObjectDef => {
    const object = state.object(String(req.params.type));
    if (!object) throw notFound();
    return object;
  };

  router.get('/sobjects', (_req, res) => {
    res.json({ encoding: 'UTF-8', maxBatchSize: 200, sobjects: [...state.objects.values()].map(objectSummary) });
  });
  router.get('/sobjects/:type/describe', (req, res) => {
    res.json(describeObject(state, objectOf(req)));
  });

  router.get('/sobjects/:type/deleted', (req: Request, res: Response) => {
    const object = objectOf(req);
    const start = Date.parse(String(req.query.start ?? ''));
    const end = Date.parse(String(req.query.end ?? ''));
    if (Number.isNaN(start) || Number.isNaN(end)) throw restError(400, 'MALFORMED_QUERY', "Both 'start' and 'end' parameters are required, as dateTime values");
    const earliest = state.now() - DELETED_WINDOW_MS;
    if (start < earliest - 60_000) throw restError(400, 'INVALID_REPLICATION_DATE', 'startDate before org replication enabled date or older than 30 days');
    if (end < start) throw restError(400, 'INVALID_REPLICATION_DATE', 'EndDate before StartDate');
    const deletedRecords = state.recordsOf(object.name)
      .filter((r) => r.deletedAt !== undefined && r.deletedAt >= start && r.deletedAt <= end)
      .sort((a, b) => a.deletedAt! - b.deletedAt!)
      .map((r) => ({ id: r.values.Id, deletedDate: sfDateTime(r.deletedAt!) }));
    res.json({ deletedRecords, earliestDateAvailable: sfDateTime(earliest), latestDateCovered: sfDateTime(Math.min(end, state.now())) });
  });

  router.post('/sobjects/:type', (req: Request, res: Response) => {
    const object = objectOf(req);
    if (!isObject(req.body)) throw restError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
    const result = attempt(() => insertRecord(state, object, req.body as Record<string, unknown>));
    if ('error' in result) throw recordHttpError(result.error);
    res.status(201).json({ id: result.ok.values.Id, success: true, errors: [] });
  });

  router.get('/sobjects/:type/:id', (req: Request, res: Response) => {
    const object = objectOf(req);
    const record = state.live(object.name, String(req.params.id));
    if (!record) throw notFound();
    const wanted = typeof req.query.fields === 'string' ? req.query.fields.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const fields = wanted
      ? wanted.map((name) => {
          const field = state.visibleField(object, name);
          if (!field) throw restError(400, 'INVALID_FIELD', `No such column '${name}' on sobject of type ${object.name}`);
          return field;
        })
      : state.visibleFields(object);
    const body: Record<string, unknown> = { attributes: { type: object.name, url: `/services/data/v${API_VERSION}/sobjects/${object.name}/${record.values.Id}` } };
    for (const field of fields) body[field.name] = record.values[field.name] ?? (field.type === 'boolean' ? false : null);
    res.json(body);
  });

  router.patch('/sobjects/:type/:id', (req: Request, res: Response) => {
    const object = objectOf(req);
    if (!isObject(req.body)) throw restError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
    if (!state.live(object.name, String(req.params.id))) throw notFound();
    const result = attempt(() => updateRecord(state, object, String(req.params.id), req.body as Record<string, unknown>));
    if ('error' in result) throw recordHttpError(result.error);
    res.status(204).end();
  });

  router.delete('/sobjects/:type/:id', (req: Request, res: Response) => {
    const object = objectOf(req);
    const id = normalizeId(String(req.params.id));
    const record = id ? state.records.get(id) : undefined;
    if (!record || record.type !== object.name) throw notFound();
    if (record.deletedAt !== undefined) throw restError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
    deleteRecord(state, record);
    res.status(204).end();
  });
  return router;
}
