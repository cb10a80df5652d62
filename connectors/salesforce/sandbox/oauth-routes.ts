// OAuth 2.0 web-server flow of an External Client App, on the login host's paths: the authorize
// page (consented at once: the sandbox stands for the admin clicking "Allow"), the token
// endpoint (authorization_code with the PKCE verifier checked; refresh_token with optional
// rotation), revoke, and the identity URL named by the token response's `id`. These calls are
// not API calls: they are never counted against the daily allowance nor faulted.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { authorizePageError, oauthError, SandboxHttpError } from './errors.ts';
import type { RecorderLocals } from './recorder.ts';
import type { SandboxState } from './state.ts';

export const KNOWN_SCOPES = ['api', 'refresh_token', 'offline_access', 'id', 'openid', 'profile', 'email', 'web', 'full'];
const CODE_TTL_MS = 15 * 60 * 1000;

const single = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const base64url = (b: Buffer) => b.toString('base64url');
export const pkceChallenge = (verifier: string) => base64url(createHash('sha256').update(verifier).digest());

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** OAuth errors on the authorize step go back to the redirect URI, as RFC 6749 §4.1.2.1 says. */
function redirectError(res: Response, redirectUri: string, error: string, description: string, stateParam?: string) {
  const target = new URL(redirectUri);
  target.searchParams.set('error', error);
  target.searchParams.set('error_description', description);
  if (stateParam !== undefined) target.searchParams.set('state', stateParam);
  res.redirect(302, target.toString());
}

export function oauthRouter(state: SandboxState, baseUrl: () => string): Router {
  const router = Router();
  const { opts } = state;
  const identityPath = `/id/${opts.orgId}/${opts.userId}`;

  router.get('/services/oauth2/authorize', (req: Request, res: Response) => {
    const q = (name: string) => single(req.query[name]);
    const redirectUri = q('redirect_uri');
    if (q('client_id') !== opts.clientId) throw authorizePageError('OAUTH_EC_APP_NOT_FOUND: client identifier invalid');
    if (!redirectUri || !isHttpUrl(redirectUri)) throw authorizePageError('redirect_uri must match configuration');
    const stateParam = q('state');
    if (q('response_type') !== 'code') return redirectError(res, redirectUri, 'unsupported_response_type', 'response type not supported', stateParam);
    const challenge = q('code_challenge');
    if (!challenge) return redirectError(res, redirectUri, 'invalid_request', 'missing required code challenge', stateParam);
    const method = q('code_challenge_method');
    if (method !== undefined && method !== 'S256') return redirectError(res, redirectUri, 'invalid_request', 'invalid code challenge method', stateParam);
    const scopes = (q('scope') ?? 'api refresh_token').split(/[\s+]+/).filter(Boolean);
    if (scopes.some((s) => !KNOWN_SCOPES.includes(s))) return redirectError(res, redirectUri, 'invalid_scope', 'the requested scope is not allowed', stateParam);
    const code = base64url(randomBytes(32));
    state.codes.set(code, { redirectUri, codeChallenge: challenge, scope: scopes.join(' '), expiresAt: state.now() + CODE_TTL_MS });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (stateParam !== undefined) target.searchParams.set('state', stateParam);
    res.redirect(302, target.toString());
  });

  function issue(scope: string, refreshToken: string | undefined, includeRefresh: boolean) {
    const issuedAt = String(state.now());
    const accessToken = `${opts.orgId.slice(0, 15)}!${base64url(randomBytes(48))}`;
    state.accessTokens.set(accessToken, { token: accessToken, expiresAt: state.now() + opts.accessTokenTtlSeconds * 1000, ...(refreshToken ? { refreshToken } : {}) });
    const id = `${baseUrl()}${identityPath}`;
    const body: Record<string, string> = {
      access_token: accessToken,
      signature: createHmac('sha256', opts.clientSecret).update(id + issuedAt).digest('base64'),
      scope,
      instance_url: baseUrl(),
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
    if (includeRefresh && refreshToken) body.refresh_token = refreshToken;
    return body;
  }

  router.post('/services/oauth2/token', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const p = (name: string) => single(body[name]);
    const grantType = p('grant_type');
    if (grantType) (res.locals as RecorderLocals).grantType = grantType;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') throw oauthError('unsupported_grant_type', 'grant type not supported');
    if (p('client_id') !== opts.clientId) throw oauthError('invalid_client_id', 'client identifier invalid');
    if (p('client_secret') !== opts.clientSecret) throw oauthError('invalid_client', 'invalid client credentials');

    if (grantType === 'authorization_code') {
      const code = p('code') ?? '';
      const stored = state.codes.get(code);
      state.codes.delete(code); // single use, whatever the outcome
      if (!stored) throw oauthError('invalid_grant', 'invalid authorization code');
      if (stored.expiresAt <= state.now()) throw oauthError('invalid_grant', 'expired authorization code');
      if (p('redirect_uri') !== stored.redirectUri) throw oauthError('invalid_grant', 'redirect_uri must match configuration');
      const verifier = p('code_verifier');
      if (!verifier || pkceChallenge(verifier) !== stored.codeChallenge) throw oauthError('invalid_grant', 'invalid code verifier');
      const scopes = stored.scope.split(' ');
      const refresh = scopes.includes('refresh_token') || scopes.includes('offline_access') ? base64url(randomBytes(40)) : undefined;
      if (refresh) state.refreshTokens.add(refresh);
      return res.json(issue(stored.scope, refresh, true));
    }

    const refresh = p('refresh_token') ?? '';
    if (!state.refreshTokens.has(refresh)) throw oauthError('invalid_grant', 'expired access/refresh token');
    if (!state.rotateRefreshTokens) return res.json(issue('api refresh_token', refresh, false));
    // Rotation: the old refresh token dies now; only the new one refreshes from here on.
    state.refreshTokens.delete(refresh);
    const next = base64url(randomBytes(40));
    state.refreshTokens.add(next);
    return res.json(issue('api refresh_token', next, true));
  });

  router.all('/services/oauth2/revoke', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
    if (req.method !== 'POST' && req.method !== 'GET') throw oauthError('invalid_request', 'method not allowed', 405);
    const token = single(((req.body ?? {}) as Record<string, unknown>).token) ?? single(req.query.token);
    if (token && state.refreshTokens.delete(token)) {
      // Revoking a refresh token ends the sessions issued with it.
      for (const [key, record] of state.accessTokens) if (record.refreshToken === token) state.accessTokens.delete(key);
      return res.status(200).end();
    }
    if (token && state.accessTokens.delete(token)) return res.status(200).end();
    // The revoke endpoint answers errors form-encoded (jsforce's revokeToken parses them so).
    const body = new URLSearchParams({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
    throw new SandboxHttpError(400, body.toString(), 'form');
  });

  router.get(identityPath, (req: Request, res: Response) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? single(req.query.oauth_token);
    const record = bearer ? state.accessTokens.get(bearer) : undefined;
    if (!record || record.expiresAt <= state.now()) throw new SandboxHttpError(403, 'Bad_OAuth_Token', 'text');
    const url = baseUrl();
    res.json({
      id: `${url}${identityPath}`,
      asserted_user: true,
      user_id: opts.userId,
      organization_id: opts.orgId,
      username: opts.username,
      nick_name: opts.username.split('@')[0],
      display_name: 'Sandbox Admin',
      email: opts.username,
      email_verified: true,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      urls: {
        rest: `${url}/services/data/v{version}/`,
        sobjects: `${url}/services/data/v{version}/sobjects/`,
        query: `${url}/services/data/v{version}/query/`,
        tooling_rest: `${url}/services/data/v{version}/tooling/`,
        profile: `${url}/${opts.userId}`,
      },
      is_app_installed: true,
      last_modified_date: '2026-01-01T00:00:00.000+0000',
    });
  });

  return router;
}
