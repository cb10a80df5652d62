/**
 * An installation's settings for its admin (API key): GET /api/v1/settings shows them (the
 * overrides and the stage weights in force), PATCH /api/v1/settings changes some (src/sync/
 * settings.ts SettingsPatchSchema: matching.topK, stageWeights, halfLifeDays, attributeFields;
 * stageOverrides; handleFields; null removes an override). Bad input is a 400 naming each
 * problem's path, and nothing is stored. The next match run reads the new values.
 */
import express, { Router } from 'express';
import { getInstallation, updateSettings } from '../store/installations.ts';
import { settingsOf } from '../sync/installation-settings.ts';
import { applySettingsPatch, presentSettings, settingsPatchIssues, SettingsPatchSchema, storedSettingsKeys } from '../sync/settings.ts';
import { apiKeyAuth } from './api-key-auth.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';

export function settingsRoutes(ctx: AppContext): Router {
  const router = Router();
  const auth = apiKeyAuth(ctx.db);

  const current = async (installationId: string) => {
    const inst = await getInstallation(ctx.db, installationId);
    if (!inst) throw new HttpError(404, 'NOT_FOUND', 'no such installation');
    return settingsOf(inst);
  };

  router.get('/api/v1/settings', auth, async (_req, res) => {
    res.json(presentSettings(await current(res.locals.installationId as string)));
  });

  /** Settings are a few hundred bytes; anything near this is not a settings patch. */
  const json = express.json({ limit: '64kb' });

  router.patch('/api/v1/settings', auth, json, async (req, res) => {
    const patch = SettingsPatchSchema.safeParse(req.body ?? {});
    if (!patch.success) {
      throw new HttpError(400, 'INVALID_SETTINGS', 'the settings patch is not valid', settingsPatchIssues(patch.error));
    }
    const installationId = res.locals.installationId as string;
    const next = applySettingsPatch(await current(installationId), patch.data);
    await updateSettings(ctx.db, installationId, storedSettingsKeys(next));
    res.json(presentSettings(next));
  });
  return router;
}
