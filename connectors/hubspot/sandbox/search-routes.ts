// POST /crm/v3/objects/{contacts|deals}/search. On top of the burst limit every search counts
// against the per-account search limit (5/s), and records changed less than `searchLagMs` ago
// are not visible yet, as HubSpot's search index trails writes.
import { type NextFunction, type Request, type Response, Router } from 'express';
import { requireAnyScope, searchRateLimit } from './crm-auth.ts';
import { notFoundError } from './errors.ts';
import { recordJson, selectNames, type StoredRecord } from './objects.ts';
import { MAX_SEARCH_RESULTS, parseSearch, runSearch } from './search.ts';
import { crmObjectType, type SandboxState } from './state.ts';

export function searchRouter(state: SandboxState): Router {
  const router = Router();
  const path = '/crm/v3/objects/:objectType/search';
  const typeOf = (req: Request) => {
    const type = crmObjectType(String(req.params.objectType));
    if (!type) throw notFoundError(`No route for POST ${req.path}`);
    return state.kind(type);
  };
  const readScope = (req: Request, res: Response, next: NextFunction) => requireAnyScope(typeOf(req).readScope)(req, res, next);

  router.post(path, readScope, searchRateLimit(state), (req: Request, res: Response) => {
    const kind = typeOf(req);
    const query = parseSearch(kind, req.body, state.opts.searchFilterLimits);
    const cutoff = state.now() - state.opts.searchLagMs;
    const indexed = function* (): Iterable<StoredRecord> {
      for (const r of kind.records.values()) if (state.opts.searchLagMs === 0 || r.updatedAt <= cutoff) yield r;
    };
    const hits = runSearch(kind, query, indexed());
    // Results past the 10,000th are never returned; `total` still counts every match.
    const end = Math.min(query.after + query.limit, hits.length, MAX_SEARCH_RESULTS);
    const names = selectNames(kind, query.properties, kind.defaults);
    const body: Record<string, unknown> = {
      total: hits.length,
      results: hits.slice(query.after, end).map((r) => recordJson(kind, r, names)),
    };
    // Like HubSpot, the cursor is offered whenever more matches exist, even past 10,000, so a
    // client that blindly follows it meets the 400.
    if (query.after + query.limit < hits.length) body.paging = { next: { after: String(query.after + query.limit) } };
    res.json(body);
  });

  return router;
}
