/**
 * Bearer API-key authentication for /api/v1: sets res.locals.installationId. It reads only the
 * Authorization header, so routes put it before their body parser: a request without a valid
 * key is refused before its body is read. 401s carry `WWW-Authenticate: Bearer` (RFC 6750 §3).
 */
import type { RequestHandler } from 'express';
import type { Db } from '../store/db.ts';
import { installationForApiKey } from '../store/api-keys.ts';
import { HttpError } from './http-errors.ts';

export function apiKeyAuth(db: Db): RequestHandler {
  return async (req, res, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!m) {
      res.set('WWW-Authenticate', 'Bearer realm="sway"');
      return next(new HttpError(401, 'UNAUTHENTICATED', 'send your Sway API key as "Authorization: Bearer <key>"'));
    }
    const found = await installationForApiKey(db, m[1]!);
    if (!found) {
      res.set('WWW-Authenticate', 'Bearer realm="sway", error="invalid_token"');
      return next(new HttpError(401, 'UNAUTHENTICATED', 'the API key is not valid (revoked, or its installation is disconnected)'));
    }
    res.locals.installationId = found.installationId;
    res.locals.apiKeyId = found.keyId;
    next();
  };
}
