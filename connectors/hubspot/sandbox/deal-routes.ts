// CRM deals: list with paging and `associations=contacts`, single read, batch read and batch
// update (values validated against the deal's pipeline), with the same limits and 207 rules as
// contacts. Writes produce deal.propertyChange webhooks (changeSource INTEGRATION).
import { type Request, type Response, Router } from 'express';
import { updateRecord, validateValues } from './changes.ts';
import { requireAnyScope } from './crm-auth.ts';
import { notFoundError, validationError } from './errors.ts';
import { namesFromQuery, recordJson, selectNames, type StoredRecord } from './objects.ts';
import { batchInputs, batchResponse, isObject, type Json, listPage, updateInputIds } from './route-helpers.ts';
import { crmObjectType, type SandboxState } from './state.ts';

/** Which associated object types a read asked for; only contacts are modelled. */
function wantsContacts(value: unknown): boolean {
  return (namesFromQuery(value) ?? []).some((t) => crmObjectType(t) === 'contacts');
}

export function dealsRouter(state: SandboxState): Router {
  const router = Router();
  const kind = state.dealKind;
  const read = requireAnyScope(kind.readScope);
  const write = requireAnyScope(kind.writeScope);
  const base = '/crm/v3/objects/deals';

  /** A deal as HubSpot returns it; `associations` only when asked for and non-empty. */
  const dealJson = (deal: StoredRecord, names: string[], withContacts: boolean) => {
    const json: Json = { ...recordJson(kind, deal, names) };
    const ids = withContacts ? state.dealContactIds(deal.id) : [];
    if (ids.length > 0) json.associations = { contacts: { results: ids.map((id) => ({ id, type: 'deal_to_contact' })) } };
    return json;
  };

  router.get(base, read, (req: Request, res: Response) => {
    if (req.query.archived === 'true') return res.json({ results: [] }); // deleted deals are not kept
    const names = selectNames(kind, namesFromQuery(req.query.properties), kind.defaults);
    const withContacts = wantsContacts(req.query.associations);
    return listPage(req, res, base, state.deals.values(), (d) => dealJson(d, names, withContacts));
  });

  router.get(`${base}/:dealId`, read, (req: Request, res: Response) => {
    if (req.query.idProperty !== undefined && req.query.idProperty !== 'hs_object_id') {
      throw validationError(`Unable to perform lookup by non-unique property '${String(req.query.idProperty)}'.`);
    }
    const deal = state.deals.get(String(req.params.dealId));
    if (!deal) throw notFoundError('resource not found');
    const names = selectNames(kind, namesFromQuery(req.query.properties), kind.defaults);
    res.json(dealJson(deal, names, wantsContacts(req.query.associations)));
  });

  router.post(`${base}/batch/read`, read, (req: Request, res: Response) => {
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body);
    const body = req.body as Json;
    if (body.idProperty !== undefined && body.idProperty !== 'hs_object_id') {
      throw validationError(`Unable to perform lookup by non-unique property '${String(body.idProperty)}'.`);
    }
    const names = selectNames(kind, Array.isArray(body.properties) ? body.properties.map(String) : undefined, kind.always);
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const id = isObject(input) ? input.id : undefined;
      if (typeof id !== 'string') throw validationError("Invalid input JSON: every input needs a string 'id'.");
      const deal = state.deals.get(id);
      if (deal) results.push(recordJson(kind, deal, names));
      else missing.push(id);
    }
    batchResponse(res, state, kind, 200, startedAt, results, missing);
  });

  router.post(`${base}/batch/update`, write, (req: Request, res: Response) => {
    const startedAt = new Date(state.now()).toISOString();
    const inputs = batchInputs(req.body);
    const ids = updateInputIds(inputs);
    const deals = ids.map((id) => state.deals.get(id));
    const valid = validateValues(state, kind, inputs.map((i) => (i as Json).properties), deals);
    const results: unknown[] = [];
    const missing: string[] = [];
    deals.forEach((deal, index) => {
      if (!deal) {
        missing.push(ids[index]!);
        return;
      }
      updateRecord(state, kind, deal, valid[index]!, 'INTEGRATION');
      results.push({ ...recordJson(kind, deal, []), properties: valid[index]! });
    });
    batchResponse(res, state, kind, 200, startedAt, results, missing);
  });

  return router;
}
