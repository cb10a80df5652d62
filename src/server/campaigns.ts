/**
 * Campaigns for the caller's installation (API key), docs/campaigns.md:
 * - POST /api/v1/campaigns — a draft (src/outcomes/campaign-design.ts CampaignCreateSchema);
 * - GET /api/v1/campaigns, GET /api/v1/campaigns/:id;
 * - PATCH /api/v1/campaigns/:id — a draft's design; a started campaign answers 409
 *   CAMPAIGN_PREREGISTERED for anything but its name;
 * - POST /api/v1/campaigns/:id/start — assigns arms (stored) and freezes the design; again: 200, unchanged;
 * - GET /api/v1/campaigns/:id/report — the report as of now (computed, not stored);
 * - POST /api/v1/campaigns/:id/measure — queues the measure job (202), which stores it.
 * Another installation's campaigns are 404s.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { enqueueMeasure, installationStageMap, measureCampaign } from '../jobs/measure.ts';
import { CampaignCreateSchema, CampaignPatchSchema } from '../outcomes/campaign-design.ts';
import { CampaignFrozenError, createCampaign, getCampaign, listCampaigns, presentCampaign, startCampaign, updateDraft } from '../store/campaigns.ts';
import type { Db } from '../store/db.ts';
import { resolvePeople } from '../store/people.ts';
import { apiKeyAuth } from './api-key-auth.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';
import { parseBody, SMALL_BODY } from './identity.ts';

const Id = z.uuid();

/** The influencers' people ids; unknown ones are a 400 naming each. */
export async function resolveInfluencers(db: Db, installationId: string, ids: string[]): Promise<number[]> {
  const found = await resolvePeople(db, installationId, ids);
  const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !found.has(id));
  if (missing.length > 0) {
    throw new HttpError(400, 'UNKNOWN_INFLUENCER', `${missing.length} influencer(s) are not people Sway knows (send them to /api/v1/signals first)`, missing.map(({ id, i }) => ({ path: `influencers.${i}`, message: `no person ${JSON.stringify(id)}` })));
  }
  return ids.map((id) => found.get(id)!.id);
}

export function campaignsRoutes(ctx: AppContext): Router {
  const router = Router();
  const auth = apiKeyAuth(ctx.db);
  const json = express.json({ limit: SMALL_BODY });

  const gone = (raw: unknown) => new HttpError(404, 'NOT_FOUND', `no campaign ${JSON.stringify(String(raw))} in this installation`);
  const load = async (installationId: string, raw: unknown) => {
    const id = Id.safeParse(raw);
    const row = id.success ? await getCampaign(ctx.db, installationId, id.data) : null;
    if (!row) throw gone(raw);
    return row;
  };

  router.post('/api/v1/campaigns', auth, json, async (req, res) => {
    const installationId = res.locals.installationId as string;
    const input = parseBody(CampaignCreateSchema, req.body ?? {}, 'INVALID_CAMPAIGN');
    const influencers = await resolveInfluencers(ctx.db, installationId, input.influencers);
    const row = await createCampaign(ctx.db, installationId, input, influencers);
    res.status(201).json(await presentCampaign(ctx.db, row));
  });

  router.get('/api/v1/campaigns', auth, async (_req, res) => {
    const rows = await listCampaigns(ctx.db, res.locals.installationId as string);
    res.json({ campaigns: await Promise.all(rows.map((r) => presentCampaign(ctx.db, r))) });
  });

  router.get('/api/v1/campaigns/:id', auth, async (req, res) => {
    res.json(await presentCampaign(ctx.db, await load(res.locals.installationId as string, req.params.id)));
  });

  router.patch('/api/v1/campaigns/:id', auth, json, async (req, res) => {
    const installationId = res.locals.installationId as string;
    const row = await load(installationId, req.params.id);
    const patch = parseBody(CampaignPatchSchema, req.body ?? {}, 'INVALID_CAMPAIGN');
    try {
      const influencers = patch.influencers && row.status === 'draft' ? await resolveInfluencers(ctx.db, installationId, patch.influencers) : undefined;
      const updated = await updateDraft(ctx.db, installationId, row.id, patch, influencers);
      if (!updated) throw gone(req.params.id);
      res.json(await presentCampaign(ctx.db, updated));
    } catch (err) {
      if (err instanceof CampaignFrozenError) throw new HttpError(409, 'CAMPAIGN_PREREGISTERED', err.message, err.fields.map((f) => ({ path: f, message: 'fixed when the campaign started' })));
      throw err;
    }
  });

  router.post('/api/v1/campaigns/:id/start', auth, async (req, res) => {
    const installationId = res.locals.installationId as string;
    const row = await load(installationId, req.params.id);
    const result = await startCampaign(ctx.db, installationId, row.id, await installationStageMap(ctx.db, installationId));
    if (!result) throw gone(req.params.id);
    const started = result.row;
    if (result.started) await enqueueMeasure(ctx.queues, installationId, started.id, 'start');
    res.json(await presentCampaign(ctx.db, started));
  });

  router.get('/api/v1/campaigns/:id/report', auth, async (req, res) => {
    const installationId = res.locals.installationId as string;
    const row = await load(installationId, req.params.id);
    if (!row.startedAt) throw new HttpError(409, 'CAMPAIGN_NOT_STARTED', 'the campaign is a draft: start it to assign arms before reading a report');
    const { report, units } = await measureCampaign(ctx.db, installationId, row, new Date(), false);
    res.json({ campaign: await presentCampaign(ctx.db, row), units, report });
  });

  router.post('/api/v1/campaigns/:id/measure', auth, async (req, res) => {
    const installationId = res.locals.installationId as string;
    const row = await load(installationId, req.params.id);
    if (!row.startedAt) throw new HttpError(409, 'CAMPAIGN_NOT_STARTED', 'the campaign is a draft: start it to assign arms before measuring');
    // One job per campaign and minute: repeated clicks queue one measure.
    const jobId = await enqueueMeasure(ctx.queues, installationId, row.id, new Date().toISOString().slice(0, 16));
    res.status(202).json({ jobId });
  });
  return router;
}
