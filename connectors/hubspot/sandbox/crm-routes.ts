// CRM contacts: list with paging (archived too), single read/create, and the batch
// read/create/update endpoints Sway uses, with HubSpot's limits (≤ 100 per page and per batch),
// its all-or-nothing 400 on invalid values and its 207 Multi-Status for ids that do not exist.
// Writes go through changes.ts so that they produce webhook events (changeSource INTEGRATION).
import { type Request, type Response, Router } from 'express';
import { createRecord, updateRecord, validateValues } from './changes.ts';
import { requireAnyScope } from './crm-auth.ts';
import { apiError, notFoundError, validationError } from './errors.ts';
import { namesFromQuery, recordJson, selectNames } from './objects.ts';
import { batchInputs, batchResponse, isObject, type Json, listPage, updateInputIds } from './route-helpers.ts';
import type { SandboxState, StoredContact } from './state.ts';

function findBy(state: SandboxState, id: string, idProperty: unknown): StoredContact | undefined {
  // Ids of merged-away contacts resolve to the merged record, as HubSpot documents.
  if (idProperty === undefined || idProperty === 'hs_object_id') return state.resolveContact(id);
  if (idProperty === 'email') return state.findContactByEmail(id);
  throw validationError(`Unable to perform lookup by non-unique property '${String(idProperty)}'.`);
}

function conflictIfEmailTaken(state: SandboxState, values: Record<string, string>): void {
  const existing = values.email ? state.findContactByEmail(values.email) : undefined;
  if (existing) throw apiError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`);
}

export function contactsRouter(state: SandboxState): Router {
  const router = Router();
  const kind = state.contactKind;
  const read = requireAnyScope(kind.readScope);
  const write = requireAnyScope(kind.writeScope);
  const base = '/crm/v3/objects/contacts';
  const echoNames = (values: Record<string, string>) => [...new Set([...Object.keys(values), ...kind.always])];

  router.get(base, read, (req: Request, res: Response) => {
    const names = selectNames(kind, namesFromQuery(req.query.properties), kind.defaults);
    if (req.query.archived === 'true') {
      // Deleted contacts, restorable for 90 days; rare enough to sort on demand.
      const archived = [...state.archivedContacts.values()].sort((a, b) => Number(a.record.id) - Number(b.record.id));
      const at = new Map(archived.map((a) => [a.record.id, a.archivedAt]));
      return listPage(req, res, base, archived.map((a) => a.record), (c) => recordJson(kind, c, names, at.get(c.id)));
    }
    return listPage(req, res, base, state.contacts.values(), (c) => recordJson(kind, c, names));
  });

  router.get(`${base}/:contactId`, read, (req: Request, res: Response) => {
    const contact = findBy(state, String(req.params.contactId), req.query.idProperty);
    if (!contact) throw notFoundError('resource not found');
    res.json(recordJson(kind, contact, selectNames(kind, namesFromQuery(req.query.properties), kind.defaults)));
  });

  // Single-record update (what a one-call-per-contact integration uses).
  router.patch(`${base}/:contactId`, write, (req: Request, res: Response) => {
    if (!isObject(req.body)) throw validationError('Invalid input JSON: expected an object.');
    const contact = findBy(state, String(req.params.contactId), req.query.idProperty);
    if (!contact) throw notFoundError('resource not found');
    const [values] = validateValues(state, kind, [req.body.properties ?? {}], [contact]);
    updateRecord(state, kind, contact, values!, 'INTEGRATION');
    res.json(recordJson(kind, contact, echoNames(values!)));
  });

  router.post(base, write, (req: Request, res: Response) => {
    if (!isObject(req.body)) throw validationError('Invalid input JSON: expected an object.');
    const [values] = validateValues(state, kind, [req.body.properties ?? {}]);
    conflictIfEmailTaken(state, values!);
    const contact = createRecord(state, kind, values!, 'INTEGRATION');
    res.status(201).json(recordJson(kind, contact, echoNames(values!)));
  });

  router.post(`${base}/batch/read`, read, (req: Request, res: Response) => {
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body);
    const body = req.body as Json;
    const names = selectNames(kind, Array.isArray(body.properties) ? body.properties.map(String) : undefined, kind.always);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const id = isObject(input) ? input.id : undefined;
      if (typeof id !== 'string') throw validationError("Invalid input JSON: every input needs a string 'id'.");
      const contact = findBy(state, id, body.idProperty);
      if (contact) results.push(recordJson(kind, contact, names));
      else missing.push(id);
    }
    batchResponse(res, state, kind, 200, startedAt, results, missing);
  });

  router.post(`${base}/batch/create`, write, (req: Request, res: Response) => {
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body);
    const valid = validateValues(state, kind, inputs.map((i) => (isObject(i) ? (i.properties ?? {}) : i)));
    const emails = valid.map((v) => v.email).filter((e): e is string => !!e);
    const dupes = emails.filter((e, i) => emails.indexOf(e) !== i);
    if (dupes.length > 0) throw validationError(`Duplicate emails found in batch input: [${[...new Set(dupes)].join(', ')}].`);
    // All-or-nothing: check every conflict before creating anything.
    valid.forEach((v) => conflictIfEmailTaken(state, v));
    const results = valid.map((v) => recordJson(kind, createRecord(state, kind, v, 'INTEGRATION'), echoNames(v)));
    batchResponse(res, state, kind, 201, startedAt, results, []);
  });

  router.post(`${base}/batch/update`, write, (req: Request, res: Response) => {
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body);
    const ids = updateInputIds(inputs);
    const contacts = inputs.map((input, i) => findBy(state, ids[i]!, (input as Json).idProperty));
    // Values are checked for the whole batch first: one bad value rejects every input (400).
    const valid = validateValues(state, kind, inputs.map((i) => (i as Json).properties), contacts);
    const results: unknown[] = [];
    const missing: string[] = [];
    contacts.forEach((contact, index) => {
      if (!contact) {
        missing.push(ids[index]!);
        return;
      }
      updateRecord(state, kind, contact, valid[index]!, 'INTEGRATION');
      // HubSpot echoes the properties that were sent, not the whole record.
      results.push({ ...recordJson(kind, contact, []), properties: valid[index]! });
    });
    batchResponse(res, state, kind, 200, startedAt, results, missing);
  });

  return router;
}
