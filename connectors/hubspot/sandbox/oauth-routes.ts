// OAuth for a HubSpot public app: the authorize page (app.hubspot.com), the token endpoints and
// token metadata (api.hubapi.com). Served on one port; not subject to the account's burst limit
// (HubSpot does not count OAuth calls against it).
//
// Two generations, as HubSpot serves them until the v1 sunset:
// - date-versioned (2026-03): POST /oauth/2026-03/token, POST /oauth/2026-03/token/introspect and
//   POST /oauth/2026-03/token/revoke, every parameter in the form body. Sources: the changelog
//   https://developers.hubspot.com/changelog/v1-oauth-api-deprecation, the migration guide
//   https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/migration-guide
//   and the introspection reference
//   https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/token-introspect
//   (body client_id, client_secret, token, token_type_hint). Response fields follow HubSpot's
//   published OAuth OpenAPI spec (AccessTokenResponse, PublicAccessTokenInfoResponse,
//   PublicRefreshTokenInfoResponse: `token_use` is 'access_token' or 'refresh_token').
//   Unverified, chosen by RFC 7662: an unknown or expired token introspects as {active: false}.
// - v1 (legacy): POST /oauth/v1/token, GET|DELETE /oauth/v1/…-tokens/{token}. HubSpot retires
//   them on 2027-02-16; after `oauthV1SunsetAt` (sandbox option) they answer 404 (the status
//   HubSpot will send is unverified), so tests can prove Sway no longer depends on them.
import express, { type Request, type Response, Router } from 'express';
import { authorizePageError, notFoundError, oauthError, validationError } from './errors.ts';
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

  // v1 after its sunset: gone. Before it: served as before.
  router.use('/oauth/v1', (req: Request, _res: Response, next) => {
    if (state.now() < opts.oauthV1SunsetAt) return next();
    throw notFoundError(`The OAuth v1 API was retired on ${new Date(opts.oauthV1SunsetAt).toISOString().slice(0, 10)}: use /oauth/2026-03/token and /oauth/2026-03/token/introspect (${req.method} ${req.originalUrl.split('?')[0]})`);
  });

  const form = express.urlencoded({ extended: false });
  const checkClient = (body: Record<string, unknown>) => {
    if (single(body.client_id) !== opts.clientId) throw oauthError('BAD_CLIENT_ID', 'missing or unknown client id');
    if (single(body.client_secret) !== opts.clientSecret) throw oauthError('BAD_CLIENT_SECRET', 'missing or invalid client secret');
  };

  const token = (versioned: boolean) => (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grantType = single(body.grant_type);
    const locals = res.locals as RecorderLocals;
    if (grantType !== undefined) locals.grantType = grantType;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      throw oauthError('BAD_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
    }
    checkClient(body);

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
      // The 2026-03 response says what the token is for (AccessTokenResponse.token_use).
      ...(versioned ? { token_use: 'access_token', user_id: userId } : {}),
    });
  };
  router.post('/oauth/v1/token', form, token(false));
  router.post('/oauth/2026-03/token', form, token(true));

  const accessTokenInfo = (token: string, now: number) => {
    const record = state.accessTokens.get(token);
    if (!record || now >= record.expiresAt) return undefined;
    return {
      token,
      user,
      hub_domain: opts.hubDomain,
      scopes: record.scopes,
      hub_id: opts.portalId,
      app_id: opts.appId,
      expires_in: Math.floor((record.expiresAt - now) / 1000),
      user_id: userId,
      token_type: 'access',
      is_private_distribution: false,
    };
  };

  router.get('/oauth/v1/access-tokens/:token', (req: Request, res: Response) => {
    const info = accessTokenInfo(String(req.params.token), state.now());
    if (!info) throw notFoundError('access token not found or expired');
    (res.locals as RecorderLocals).portalId = opts.portalId;
    res.json({ ...info, scope_to_scope_group_pks: [], trial_scopes: [], trial_scope_to_scope_group_pks: [] });
  });

  // Introspection: the token travels in the body (field `token`; a field named after the
  // hint, e.g. `access_token`, is not read — as reported against HubSpot's docs), with the
  // app's credentials. The hint only orders the lookup (RFC 7662 §2.1).
  router.post('/oauth/2026-03/token/introspect', form, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    checkClient(body);
    const token = single(body.token);
    if (!token) throw validationError("Missing required parameter 'token'.");
    const access = accessTokenInfo(token, state.now());
    const refresh = state.refreshTokens.get(token);
    if (access) {
      (res.locals as RecorderLocals).portalId = opts.portalId;
      res.json({
        active: true,
        ...access,
        client_id: opts.clientId,
        token_use: 'access_token',
        signed_access_token: {
          appId: opts.appId, hubId: opts.portalId, userId, installingUserId: userId, expiresAt: state.accessTokens.get(token)!.expiresAt,
          scopes: '', trialScopes: '', scopeToScopeGroupPks: '', trialScopeToScopeGroupPks: '', hublet: 'na1',
          isPrivateDistribution: false, isServiceAccount: false, isUserLevel: false, signature: '', newSignature: '',
        },
      });
      return;
    }
    if (refresh && refresh.clientId === opts.clientId) {
      (res.locals as RecorderLocals).portalId = opts.portalId;
      res.json({
        active: true, token: refresh.token, token_type: 'refresh', token_use: 'refresh_token', user, user_id: userId,
        hub_domain: opts.hubDomain, hub_id: opts.portalId, app_id: opts.appId, client_id: refresh.clientId, scopes: refresh.scopes,
      });
      return;
    }
    res.json({ active: false });
  });

  // Replaces DELETE /oauth/v1/refresh-tokens/{token} (changelog above). Answer status unverified.
  router.post('/oauth/2026-03/token/revoke', form, (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    checkClient(body);
    const token = single(body.token);
    if (!token) throw validationError("Missing required parameter 'token'.");
    state.refreshTokens.delete(token);
    res.status(204).end();
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
