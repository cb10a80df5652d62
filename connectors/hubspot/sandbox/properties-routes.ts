// Property and property-group endpoints for contacts (/crm/v3/properties/{objectType}).
// Group routes are registered before /:propertyName so that "groups" is never read as a name.
import { type NextFunction, type Request, type Response, Router } from 'express';
import { requireAnyScope } from './crm-auth.ts';
import { apiError, notFoundError, validationError } from './errors.ts';
import { INTERNAL_NAME, parsePropertyCreate } from './property-defs.ts';
import { normalizeObjectType, type SandboxState } from './state.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Only contacts are modelled; other object types get the 400 HubSpot gives for unknown types. */
function contactsOnly(req: Request, _res: Response, next: NextFunction): void {
  if (!normalizeObjectType(String(req.params.objectType))) {
    throw validationError(`Unable to infer object type from: ${String(req.params.objectType)}`);
  }
  next();
}

export function propertiesRouter(state: SandboxState): Router {
  const router = Router();
  // Reading definitions is allowed with either the schema scope or the object read scope.
  const read = requireAnyScope('crm.schemas.contacts.read', 'crm.objects.contacts.read');
  const write = requireAnyScope('crm.schemas.contacts.write');
  const base = '/crm/v3/properties/:objectType';

  router.get(`${base}/groups`, contactsOnly, read, (req: Request, res: Response) => {
    const archived = req.query.archived === 'true';
    res.json({ results: archived ? [] : [...state.groups.values()] });
  });

  router.get(`${base}/groups/:groupName`, contactsOnly, read, (req: Request, res: Response) => {
    const group = state.groups.get(String(req.params.groupName));
    if (!group) throw notFoundError(`Property group '${String(req.params.groupName)}' does not exist.`);
    res.json(group);
  });

  router.post(`${base}/groups`, contactsOnly, write, (req: Request, res: Response) => {
    const body: unknown = req.body;
    if (!isObject(body)) throw validationError('Invalid input JSON: expected an object.');
    const { name, label, displayOrder } = body;
    if (typeof name !== 'string' || !INTERNAL_NAME.test(name)) {
      throw validationError(`Group name '${String(name)}' is invalid: internal names must start with a letter and contain only lower-case letters, numbers and underscores.`);
    }
    if (typeof label !== 'string' || label.trim() === '') throw validationError("Property 'label' is required and must be a non-empty string.");
    if (state.groups.has(name)) {
      throw apiError(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${name}' already exists.`);
    }
    const group = { name, label, displayOrder: typeof displayOrder === 'number' ? displayOrder : -1, archived: false };
    state.groups.set(name, group);
    res.status(201).json(group);
  });

  router.get(base, contactsOnly, read, (req: Request, res: Response) => {
    const archived = req.query.archived === 'true';
    res.json({ results: archived ? [] : [...state.properties.values()] });
  });

  router.get(`${base}/:propertyName`, contactsOnly, read, (req: Request, res: Response) => {
    const property = state.properties.get(String(req.params.propertyName));
    if (!property) throw notFoundError(`Property '${String(req.params.propertyName)}' does not exist on object type contacts.`);
    res.json(property);
  });

  router.post(base, contactsOnly, write, (req: Request, res: Response) => {
    const body: unknown = req.body;
    // The duplicate check comes first so "ensure property" flows always get their 409.
    if (isObject(body) && typeof body.name === 'string' && state.properties.has(body.name)) {
      throw apiError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${body.name}' already exists.`);
    }
    const property = parsePropertyCreate(body, (g) => state.groups.has(g), new Date(state.now()).toISOString());
    state.properties.set(property.name, property);
    res.status(201).json(property);
  });

  return router;
}
