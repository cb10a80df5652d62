// Associations v4 batch read between deals and contacts. Shapes as HubSpot sends them:
// toObjectId is a number (the SDK types it as string but passes the value through), the
// default association is HUBSPOT_DEFINED typeId 3 (deal→contact) / 4 (contact→deal) with a null
// label, and an input without associations is not an empty result but a 207 error entry with
// subCategory crm.associations.NO_ASSOCIATIONS_FOUND.
import { type NextFunction, type Request, type Response, Router } from 'express';
import { requireAnyScope } from './crm-auth.ts';
import { validationError } from './errors.ts';
import { batchInputs, isObject, type Json } from './route-helpers.ts';
import { crmObjectType, type SandboxState } from './state.ts';

// HubSpot accepts at most 1,000 ids per associations batch read (changelog, Feb 2025).
const MAX_ASSOCIATION_INPUTS = 1000;
const TYPE_IDS = { 'deals->contacts': 3, 'contacts->deals': 4 } as const;
const SINGULAR = { contacts: 'contact', deals: 'deal' } as const;

export function associationsRouter(state: SandboxState): Router {
  const router = Router();

  const path = '/crm/v4/associations/:fromObjectType/:toObjectType/batch/read';
  const types = (req: Request) => {
    const from = crmObjectType(String(req.params.fromObjectType));
    const to = crmObjectType(String(req.params.toObjectType));
    if (!from) throw validationError(`Unable to infer object type from: ${String(req.params.fromObjectType)}`);
    if (!to) throw validationError(`Unable to infer object type from: ${String(req.params.toObjectType)}`);
    return { from, to };
  };
  // Reading associations needs read access to the object they start from.
  const readFrom = (req: Request, res: Response, next: NextFunction) => requireAnyScope(state.kind(types(req).from).readScope)(req, res, next);

  router.post(path, readFrom, (req: Request, res: Response) => {
    const { from, to } = types(req);
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body, MAX_ASSOCIATION_INPUTS);
    const typeId = TYPE_IDS[`${from}->${to}` as keyof typeof TYPE_IDS];
    const results: Json[] = [];
    const errors: Json[] = [];
    for (const input of inputs) {
      const id = isObject(input) ? input.id : undefined;
      if (typeof id !== 'string' && typeof id !== 'number') throw validationError("Invalid input JSON: every input needs an 'id'.");
      const targets = typeId === undefined ? [] : associated(state, from, String(id));
      if (targets.length > 0) {
        results.push({
          from: { id: String(id) },
          to: targets.map((t) => ({ toObjectId: Number(t), associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId, label: null }] })),
        });
        continue;
      }
      errors.push({
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
        message: `No ${SINGULAR[to]} is associated with ${SINGULAR[from]} ${String(id)}.`,
        context: { fromObjectId: [String(id)], fromObjectType: [SINGULAR[from]], toObjectType: [SINGULAR[to]] },
      });
    }
    const body: Json = { status: 'COMPLETE', results, startedAt, completedAt: new Date(state.now()).toISOString() };
    if (errors.length === 0) return res.json(body);
    return res.status(207).json({ ...body, numErrors: errors.length, errors });
  });

  return router;
}

/** Ids associated with one record; merged-away contact ids resolve like other reads. */
function associated(state: SandboxState, from: 'contacts' | 'deals', id: string): string[] {
  if (from === 'deals') return state.deals.has(id) ? state.dealContactIds(id) : [];
  const contact = state.resolveContact(id);
  return contact ? state.contactDealIds(contact.id) : [];
}
