// CRM contacts: list with paging, single read/create, and the batch read/create/update
// endpoints Sway uses, with HubSpot's limits (≤ 100 per page and per batch), its all-or-nothing
// 400 on invalid values and its 207 Multi-Status for ids that do not exist.
import { type Request, type Response, Router } from 'express';
import { apiError, notFoundError, validationError } from './errors.ts';
import { requireAnyScope } from './crm-auth.ts';
import { validatePropertyInputs } from './property-values.ts';
import { ALWAYS_RETURNED, DEFAULT_CONTACT_PROPERTIES, type SandboxState, type StoredContact } from './state.ts';

const MAX_BATCH = 100;
const MAX_PAGE = 100;
const NOT_FOUND_MESSAGE = 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `properties=a,b` and `properties=a&properties=b` (what the SDK sends) both work. */
function namesFromQuery(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
}

/** Requested properties that exist, plus the three HubSpot always returns; unknown names are dropped. */
function selectNames(state: SandboxState, requested: string[] | undefined, fallback: string[]): string[] {
  if (!requested || requested.length === 0) return fallback;
  return [...new Set([...requested.filter((n) => state.properties.has(n)), ...ALWAYS_RETURNED])];
}

function batchInputs(body: unknown): unknown[] {
  if (!isObject(body) || !Array.isArray(body.inputs)) throw validationError("Invalid input JSON: 'inputs' must be an array.");
  if (body.inputs.length > MAX_BATCH) {
    throw validationError(
      `The maximum number of inputs supported in a batch request is ${MAX_BATCH}. Please reduce the number of items and try again`,
      { context: { maxInputs: [String(MAX_BATCH)], inputs: [String(body.inputs.length)] } },
    );
  }
  return body.inputs;
}

function findBy(state: SandboxState, id: string, idProperty: unknown): StoredContact | undefined {
  if (idProperty === undefined || idProperty === 'hs_object_id') return state.contacts.get(id);
  if (idProperty === 'email') return state.findContactByEmail(id);
  throw validationError(`Unable to perform lookup by non-unique property '${String(idProperty)}'.`);
}

function batchResponse(res: Response, state: SandboxState, ok: number, startedAt: string, results: unknown[], missing: string[]) {
  const body: Json = { status: 'COMPLETE', results, startedAt, completedAt: new Date(state.now()).toISOString() };
  if (missing.length === 0) return res.status(ok).json(body);
  body.numErrors = 1;
  body.errors = [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: NOT_FOUND_MESSAGE, context: { ids: missing } }];
  return res.status(207).json(body);
}

function conflictIfEmailTaken(state: SandboxState, values: Record<string, string>): void {
  const existing = values.email ? state.findContactByEmail(values.email) : undefined;
  if (existing) throw apiError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`);
}

export function contactsRouter(state: SandboxState): Router {
  const router = Router();
  const read = requireAnyScope('crm.objects.contacts.read');
  const write = requireAnyScope('crm.objects.contacts.write');
  const lookup = (name: string) => state.properties.get(name);
  const portalId = state.opts.portalId;
  const base = '/crm/v3/objects/contacts';

  router.get(base, read, (req: Request, res: Response) => {
    const limitRaw = req.query.limit;
    const limit = limitRaw === undefined ? 10 : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw validationError(`limit must be an integer between 1 and ${MAX_PAGE}, got ${String(limitRaw)}`);
    }
    const afterRaw = req.query.after;
    if (afterRaw !== undefined && !/^\d+$/.test(String(afterRaw))) throw validationError(`Invalid after: ${String(afterRaw)}`);
    // Archived contacts are not modelled: the archived listing is always empty.
    if (req.query.archived === 'true') return res.json({ results: [] });

    const names = selectNames(state, namesFromQuery(req.query.properties), DEFAULT_CONTACT_PROPERTIES);
    const after = afterRaw === undefined ? 0 : Number(afterRaw);
    // Ids are assigned in increasing order, so Map order is id order and `after` is a stable cursor.
    const remaining = [...state.contacts.values()].filter((c) => Number(c.id) >= after);
    const page = remaining.slice(0, limit);
    const body: Json = { results: page.map((c) => state.contactJson(c, names)) };
    if (remaining.length > limit) {
      const next = String(Number(page[page.length - 1]!.id) + 1);
      const query = new URLSearchParams(req.query as Record<string, string>);
      query.set('after', next);
      body.paging = { next: { after: next, link: `${req.protocol}://${req.get('host')}${base}?${query}` } };
    }
    return res.json(body);
  });

  router.get(`${base}/:contactId`, read, (req: Request, res: Response) => {
    const contact = findBy(state, String(req.params.contactId), req.query.idProperty);
    if (!contact) throw notFoundError('resource not found');
    res.json(state.contactJson(contact, selectNames(state, namesFromQuery(req.query.properties), DEFAULT_CONTACT_PROPERTIES)));
  });

  router.post(base, write, (req: Request, res: Response) => {
    if (!isObject(req.body)) throw validationError('Invalid input JSON: expected an object.');
    const [values] = validatePropertyInputs([req.body.properties ?? {}], lookup, portalId);
    conflictIfEmailTaken(state, values!);
    const contact = state.createContact(values!);
    res.status(201).json(state.contactJson(contact, [...new Set([...Object.keys(values!), ...ALWAYS_RETURNED])]));
  });

  router.post(`${base}/batch/read`, read, (req: Request, res: Response) => {
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body);
    const body = req.body as Json;
    const names = selectNames(state, Array.isArray(body.properties) ? body.properties.map(String) : undefined, ALWAYS_RETURNED);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const id = isObject(input) ? input.id : undefined;
      if (typeof id !== 'string') throw validationError("Invalid input JSON: every input needs a string 'id'.");
      const contact = findBy(state, id, body.idProperty);
      if (contact) results.push(state.contactJson(contact, names));
      else missing.push(id);
    }
    batchResponse(res, state, 200, startedAt, results, missing);
  });

  router.post(`${base}/batch/create`, write, (req: Request, res: Response) => {
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body);
    const props = inputs.map((i) => (isObject(i) ? (i.properties ?? {}) : i));
    const valid = validatePropertyInputs(props, lookup, portalId);
    const emails = valid.map((v) => v.email).filter((e): e is string => !!e);
    const dupes = emails.filter((e, i) => emails.indexOf(e) !== i);
    if (dupes.length > 0) throw validationError(`Duplicate emails found in batch input: [${[...new Set(dupes)].join(', ')}].`);
    // All-or-nothing: check every conflict before creating anything.
    valid.forEach((v) => conflictIfEmailTaken(state, v));
    const results = valid.map((v) => {
      const contact = state.createContact(v);
      return state.contactJson(contact, [...new Set([...Object.keys(v), ...ALWAYS_RETURNED])]);
    });
    batchResponse(res, state, 201, startedAt, results, []);
  });

  router.post(`${base}/batch/update`, write, (req: Request, res: Response) => {
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body);
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
    // Values are checked for the whole batch first: one bad value rejects every input (400).
    const valid = validatePropertyInputs(inputs.map((i) => (i as Json).properties), lookup, portalId);
    const results: unknown[] = [];
    const missing: string[] = [];
    inputs.forEach((input, index) => {
      const contact = findBy(state, ids[index]!, (input as Json).idProperty);
      if (!contact) {
        missing.push(ids[index]!);
        return;
      }
      state.applyValues(contact, valid[index]!);
      // HubSpot echoes the properties that were sent, not the whole record.
      results.push({ ...state.contactJson(contact, []), properties: valid[index]! });
    });
    batchResponse(res, state, 200, startedAt, results, missing);
  });

  return router;
}
