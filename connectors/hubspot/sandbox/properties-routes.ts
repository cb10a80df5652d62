// Property and property-group endpoints for contacts and deals (/crm/v3/properties/{objectType}),
// each object type with its own definitions, groups and schema scopes, as on HubSpot.
// Group routes are registered before /:propertyName so that "groups" is never read as a name.
import { type NextFunction, type Request, type Response, Router } from 'express';
import { requireAnyScope } from './crm-auth.ts';
import { apiError, notFoundError, validationError } from './errors.ts';
import { INTERNAL_NAME, parsePropertyCreate, type PropertyDefinition, type PropertyGroup } from './property-defs.ts';
import { crmObjectType, type SandboxState } from './state.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The definitions, groups and scopes of one object type's properties. */
interface PropertyStore {
  name: 'contacts' | 'deals';
  properties: Map<string, PropertyDefinition>;
  groups: Map<string, PropertyGroup>;
}

const storeOf = (_state: SandboxState, res: Response): PropertyStore => res.locals.propertyStore as PropertyStore;

/** Contacts and deals are modelled; other object types get the 400 HubSpot gives for unknown types. */
function objectTypeOf(state: SandboxState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const type = crmObjectType(String(req.params.objectType));
    if (!type) throw validationError(`Unable to infer object type from: ${String(req.params.objectType)}`);
    res.locals.propertyStore = type === 'contacts'
      ? { name: type, properties: state.properties, groups: state.groups }
      : { name: type, properties: state.dealProperties, groups: state.dealGroups };
    next();
  };
}

/** Scope checks per object type: schema scopes, or the object read scope for reads. */
function scoped(kind: 'read' | 'write') {
  const checks = {
    contacts: kind === 'read' ? requireAnyScope('crm.schemas.contacts.read', 'crm.objects.contacts.read') : requireAnyScope('crm.schemas.contacts.write'),
    deals: kind === 'read' ? requireAnyScope('crm.schemas.deals.read', 'crm.objects.deals.read') : requireAnyScope('crm.schemas.deals.write'),
  };
  return (req: Request, res: Response, next: NextFunction): void => checks[(res.locals.propertyStore as PropertyStore).name](req, res, next);
}

export function propertiesRouter(state: SandboxState): Router {
  const router = Router();
  // Reading definitions is allowed with either the schema scope or the object read scope.
  const contactsOnly = objectTypeOf(state);
  const read = scoped('read');
  const write = scoped('write');
  const base = '/crm/v3/properties/:objectType';

  router.get(`${base}/groups`, contactsOnly, read, (req: Request, res: Response) => {
    const archived = req.query.archived === 'true';
    res.json({ results: archived ? [] : [...storeOf(state, res).groups.values()] });
  });

  router.get(`${base}/groups/:groupName`, contactsOnly, read, (req: Request, res: Response) => {
    const group = storeOf(state, res).groups.get(String(req.params.groupName));
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
    const groups = storeOf(state, res).groups;
    if (groups.has(name)) {
      throw apiError(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${name}' already exists.`);
    }
    const group = { name, label, displayOrder: typeof displayOrder === 'number' ? displayOrder : -1, archived: false };
    groups.set(name, group);
    res.status(201).json(group);
  });

  router.get(base, contactsOnly, read, (req: Request, res: Response) => {
    const archived = req.query.archived === 'true';
    const store = storeOf(state, res);
    res.json({ results: archived ? [] : [...store.properties.keys()].map((n) => (store.name === 'deals' ? state.dealProperty(n)! : store.properties.get(n)!)) });
  });

  router.get(`${base}/:propertyName`, contactsOnly, read, (req: Request, res: Response) => {
    const store = storeOf(state, res);
    const name = String(req.params.propertyName);
    const property = store.name === 'deals' ? state.dealProperty(name) : store.properties.get(name);
    if (!property) throw notFoundError(`Property '${name}' does not exist on object type ${store.name}.`);
    res.json(property);
  });

  router.post(base, contactsOnly, write, (req: Request, res: Response) => {
    const body: unknown = req.body;
    const store = storeOf(state, res);
    // The duplicate check comes first so "ensure property" flows always get their 409.
    if (isObject(body) && typeof body.name === 'string' && store.properties.has(body.name)) {
      throw apiError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${body.name}' already exists.`);
    }
    const property = parsePropertyCreate(body, (g) => store.groups.has(g), new Date(state.now()).toISOString());
    store.properties.set(property.name, property);
    res.status(201).json(property);
  });

  return router;
}
