/** Bearer API-key authentication for /api/v1: sets res.locals.installationId. */
import type { RequestHandler } from 'express';
import type { Db } from '../store/db.ts';
import { installationForApiKey } from '../store/api-keys.ts';
import { HttpError } from './http-errors.ts';

export function apiKeyAuth(db: Db): RequestHandler {
  return async (req, res, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!m) return next(new HttpError(401, 'UNAUTHENTICATED', 'send your Sway API key as "Authorization: Bearer <key>"'));
    const found = await installationForApiKey(db, m[1]!);
    if (!found) return next(new HttpError(401, 'UNAUTHENTICATED', 'the API key is not valid (revoked, or its installation is disconnected)'));
    res.locals.installationId = found.installationId;
    next();
  };
}
