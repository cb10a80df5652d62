/**
 * The caller's API keys (authenticated by one of them):
 * - GET /api/v1/keys — every key of the installation, oldest first: id, prefix (the 8 hex
 *   characters after `sway_`), createdAt, revokedAt, and `current` for the key of this request.
 *   Never a key itself: only hashes are stored (src/store/api-keys.ts).
 * - POST /api/v1/keys/rotate — issues a new key (201, shown once in the answer) and revokes the
 *   key that made the request, in one transaction; other keys stay.
 * - DELETE /api/v1/keys/current — revokes the key that made the request (204).
 * - DELETE /api/v1/keys/:id — revokes one of the installation's keys (204; 404 when it is not
 *   this installation's or is already revoked).
 */
import { Router } from 'express';
import { z } from 'zod';
import { issueApiKey, listApiKeys, revokeKeys } from '../store/api-keys.ts';
import { apiKeyAuth } from './api-key-auth.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';

export function keysRoutes(ctx: AppContext): Router {
  const router = Router();
  const auth = apiKeyAuth(ctx.db);
  const caller = (res: { locals: Record<string, unknown> }) => ({ installationId: res.locals.installationId as string, keyId: res.locals.apiKeyId as string });

  router.get('/api/v1/keys', auth, async (_req, res) => {
    const { installationId, keyId } = caller(res);
    const keys = await listApiKeys(ctx.db, installationId);
    res.json({ keys: keys.map((k) => ({ ...k, current: k.id === keyId })) });
  });

  router.post('/api/v1/keys/rotate', auth, async (_req, res) => {
    const { installationId, keyId } = caller(res);
    const issued = await issueApiKey(ctx.db, installationId, [keyId]);
    res.set('Cache-Control', 'no-store');
    res.status(201).json({ id: issued.id, prefix: issued.prefix, apiKey: issued.key, revoked: issued.revoked });
  });

  router.delete('/api/v1/keys/current', auth, async (_req, res) => {
    const { installationId, keyId } = caller(res);
    await revokeKeys(ctx.db, installationId, [keyId]);
    res.status(204).end();
  });

  router.delete('/api/v1/keys/:id', auth, async (req, res) => {
    const { installationId } = caller(res);
    const id = String(req.params.id);
    const revoked = z.uuid().safeParse(id).success ? await revokeKeys(ctx.db, installationId, [id]) : [];
    if (revoked.length === 0) throw new HttpError(404, 'NOT_FOUND', `no active key ${JSON.stringify(id)} for this installation`);
    res.status(204).end();
  });
  return router;
}
