// OAuth for a HubSpot public app: the authorize page (app.hubspot.com), the v1 token endpoint
// and token metadata (api.hubapi.com). Served on one port; not subject to the account's
// burst limit (HubSpot does not count OAuth calls against it).
import express, { type Request, type Response, Router } from 'express';
import { authorizePageError, notFoundError, oauthError } from './errors.ts';
import type { RecorderLocals } from './recorder.ts';
import type { SandboxState } from './state.ts';

export const KNOWN_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'crm.objects.companies.read',
  'automation',
  'oauth',
];

/** A single string query/form value; repeated or missing parameters are treated as absent. */
const single = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Scopes arrive space-separated; a literal '+' (from a hand-built URL) separates them too. */
const splitScopes = (v: string | undefined): string[] => (v ?? '').split(/[\s+]+/).filter(Boolean);

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function oauthRouter(state: SandboxState): Router {
  const router = Router();
  const { opts } = state;
  const user = `demo-admin@${opts.hubDomain}`;
  const userId = 5001;

  // The sandbox stands for the user clicking "Connect app": a valid request is consented at once.
  router.get('/oauth/authorize', (req: Request, res: Response) => {
    const clientId = single(req.query.client_id);
    const redirectUri = single(req.query.redirect_uri);
    const state_ = single(req.query.state);
    if (clientId !== opts.clientId) throw authorizePageError(`Unknown client_id: ${clientId ?? '(missing)'}`);
    if (!redirectUri || !isHttpUrl(redirectUri)) {
      throw authorizePageError(`redirect_uri must be an absolute http(s) URL, got: ${redirectUri ?? '(missing)'}`);
    }
    const required = splitScopes(single(req.query.scope));
    const optional = splitScopes(single(req.query.optional_scope));
    if (required.length === 0) throw authorizePageError('The scope parameter is required.');
    const unknown = [...required, ...optional].filter((s) => !KNOWN_SCOPES.includes(s));
    if (unknown.length > 0) throw authorizePageError(`Unknown scope(s): ${unknown.join(', ')}`);

    const code = state.issueCode(clientId, redirectUri, [...new Set([...required, ...optional])]);
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (state_ !== undefined) target.searchParams.set('state', state_);
    res.locals.portalId = opts.portalId;
    res.redirect(302, target.toString());
  });

  router.post('/oauth/v1/token', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grantType = single(body.grant_type);
    const locals = res.locals as RecorderLocals;
    if (grantType !== undefined) locals.grantType = grantType;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      throw oauthError('BAD_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
    }
    if (single(body.client_id) !== opts.clientId) throw oauthError('BAD_CLIENT_ID', 'missing or unknown client id');
    if (single(body.client_secret) !== opts.clientSecret) {
      throw oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret');
    }

    let refresh;
    if (grantType === 'authorization_code') {
      const code = single(body.code) ?? '';
      const record = state.codes.get(code);
      if (!record || record.clientId !== opts.clientId) throw oauthError('BAD_AUTH_CODE', 'missing or unknown auth code');
      if (state.now() >= record.expiresAt) {
        state.codes.delete(code);
        throw oauthError('BAD_AUTH_CODE', 'auth code expired');
      }
      if (single(body.redirect_uri) !== record.redirectUri) {
        throw oauthError('BAD_REDIRECT_URI', 'redirect_uri does not match the redirect_uri the auth code was issued for');
      }
      state.codes.delete(code); // single use
      refresh = state.issueRefreshToken(opts.clientId, record.scopes);
    } else {
      refresh = state.refreshTokens.get(single(body.refresh_token) ?? '');
      if (!refresh || refresh.clientId !== opts.clientId) {
        throw oauthError('BAD_REFRESH_TOKEN', 'refresh token is invalid, expired or revoked');
      }
    }
    // A refresh returns a new access token and the same refresh token; older access tokens
    // stay valid until they expire, as on HubSpot.
    const access = state.issueAccessToken(refresh.scopes);
    locals.portalId = opts.portalId;
    res.json({
      token_type: 'bearer',
      refresh_token: refresh.token,
      hub_id: opts.portalId,
      scopes: refresh.scopes,
      access_token: access.token,
      expires_in: opts.accessTokenTtlSeconds,
    });
  });

  router.get('/oauth/v1/access-tokens/:token', (req: Request, res: Response) => {
    const token = String(req.params.token);
    const record = state.accessTokens.get(token);
    const now = state.now();
    if (!record || now >= record.expiresAt) throw notFoundError('access token not found or expired');
    (res.locals as RecorderLocals).portalId = opts.portalId;
    res.json({
      token,
      user,
      hub_domain: opts.hubDomain,
      scopes: record.scopes,
      scope_to_scope_group_pks: [],
      trial_scopes: [],
      trial_scope_to_scope_group_pks: [],
      hub_id: opts.portalId,
      app_id: opts.appId,
      expires_in: Math.floor((record.expiresAt - now) / 1000),
      user_id: userId,
      token_type: 'access',
      is_private_distribution: false,
    });
  });

  router.get('/oauth/v1/refresh-tokens/:token', (req: Request, res: Response) => {
    const record = state.refreshTokens.get(String(req.params.token));
    if (!record) throw notFoundError('refresh token not found');
    (res.locals as RecorderLocals).portalId = opts.portalId;
    res.json({
      token: record.token, user, hub_domain: opts.hubDomain, scopes: record.scopes,
      hub_id: opts.portalId, client_id: record.clientId, user_id: userId, token_type: 'refresh',
    });
  });

  // Deleting a refresh token does not touch access tokens already issued (HubSpot SDK docs).
  router.delete('/oauth/v1/refresh-tokens/:token', (req: Request, res: Response) => {
    if (!state.refreshTokens.delete(String(req.params.token))) throw notFoundError('refresh token not found');
    res.status(204).end();
  });

  return router;
}
