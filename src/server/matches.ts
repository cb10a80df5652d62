/**
 * GET /api/v1/prospects/:crmId/matches — the stored top influencers of the person linked to a
 * CRM contact, best first, each with its score, every component (value 0..1 and contribution)
 * and the one-line reason. 404 for a contact never pulled (or another installation's); a
 * contact not linked to anyone yet answers `{ linked: false, matches: [] }`.
 */
import { Router } from 'express';
import { crmRecordExists } from '../store/person-links.ts';
import { matchesForContact } from '../store/matches.ts';
import { apiKeyAuth } from './api-key-auth.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';
import { pathId } from './identity.ts';

export function matchesRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/api/v1/prospects/:crmId/matches', apiKeyAuth(ctx.db), async (req, res) => {
    const installationId = res.locals.installationId as string;
    const crmId = pathId(req, 'crmId');
    if (crmId === null || !(await crmRecordExists(ctx.db, installationId, 'contact', crmId))) {
      throw new HttpError(404, 'NOT_FOUND', `no contact ${JSON.stringify(req.params.crmId)} has been pulled for this installation`);
    }
    const found = await matchesForContact(ctx.db, installationId, crmId);
    if (!found) return void res.json({ crmId, linked: false, person: null, stage: null, matches: [] });
    res.json({ crmId, linked: true, person: found.personId, stage: found.matches[0]?.stage ?? null, computedAt: found.matches[0]?.computedAt ?? null, matches: found.matches });
  });
  return router;
}
