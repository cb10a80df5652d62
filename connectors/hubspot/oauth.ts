/**
 * HubSpot OAuth for public apps (CRM-NOTES.md "OAuth"): consent URL, code exchange, refresh
 * and token info, on the date-versioned OAuth API (2026-03; paths in api.ts). The v1 endpoints
 * stop on 2027-02-16 (https://developers.hubspot.com/changelog/v1-oauth-api-deprecation).
 *
 * Both calls go through the SDK's generic `apiRequest`: the generated TokensApi drops the
 * `status` field of error bodies (`BAD_REFRESH_TOKEN` in it is how HubSpot says an
 * installation is gone), and the SDK's AccessTokensApi only knows the v1 GET that puts the
 * token in the path. Shapes (HubSpot's OAuth OpenAPI spec, 2026-03/2026-09): the token answer
 * is `{access_token, refresh_token, expires_in, token_type, token_use: 'access_token', hub_id,
 * scopes, user_id}`; introspection takes the form body `client_id, client_secret, token,
 * token_type_hint` (https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/token-introspect)
 * and answers `{active, token_use, hub_id, hub_domain, scopes, app_id, expires_in, …}`.
 */
import { z } from 'zod';
import type { AccountInfo, OAuthApp, TokenSet } from '../connector.ts';
import { HUBSPOT_PATHS } from './api.ts';
import { anonymousClient } from './client.ts';
import { classifyHubSpotError, classifyHubSpotResponse } from './errors.ts';

const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().int().positive(),
  token_type: z.string().optional(),
  // Required by the 2026-03 spec; optional here so a proxy that drops it does not break install.
  token_use: z.literal('access_token').optional(),
});

const TokenInfo = z.object({
  active: z.literal(true),
  token_use: z.literal('access_token').optional(),
  hub_id: z.number().int(),
  hub_domain: z.string().nullish(),
  scopes: z.array(z.string()).default([]),
});

export function authorizeUrl(app: OAuthApp, params: { redirectUri: string; state: string }): string {
  const u = new URL(HUBSPOT_PATHS.authorize, app.appBaseUrl);
  u.searchParams.set('client_id', app.clientId);
  u.searchParams.set('redirect_uri', params.redirectUri);
  u.searchParams.set('scope', app.scopes.join(' '));
  u.searchParams.set('state', params.state);
  return u.toString();
}

/** A form POST with the app's credentials in the body (never in the URL, where logs keep it). */
async function formPost(app: OAuthApp, path: string, form: Record<string, string>, what: string): Promise<unknown> {
  let res;
  try {
    res = await anonymousClient(app.apiBaseUrl).apiRequest({
      method: 'POST',
      path,
      body: new URLSearchParams({ ...form, client_id: app.clientId, client_secret: app.clientSecret }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      defaultJson: false,
    });
  } catch (err) {
    throw classifyHubSpotError(err, what);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw classifyHubSpotResponse(res.status, body, Object.fromEntries(res.headers.entries()), what);
  return body;
}

async function tokenRequest(app: OAuthApp, form: Record<string, string>, what: string): Promise<TokenSet> {
  const requestedAt = Date.now();
  const body = await formPost(app, HUBSPOT_PATHS.token, form, what);
  const parsed = TokenResponse.safeParse(body);
  if (!parsed.success) throw classifyHubSpotResponse(502, null, undefined, `${what} (unexpected response shape)`);
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    // Counted from when we asked, so clock skew and latency make us refresh early, not late.
    expiresAt: new Date(requestedAt + parsed.data.expires_in * 1000),
  };
}

export function exchangeCode(app: OAuthApp, params: { code: string; redirectUri: string }): Promise<TokenSet> {
  return tokenRequest(app, { grant_type: 'authorization_code', code: params.code, redirect_uri: params.redirectUri }, 'HubSpot code exchange');
}

export function refresh(app: OAuthApp, refreshToken: string): Promise<TokenSet> {
  return tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'HubSpot token refresh');
}

export async function accountInfo(app: OAuthApp, accessToken: string): Promise<AccountInfo> {
  const what = 'HubSpot token introspection';
  const body = await formPost(app, HUBSPOT_PATHS.introspect, { token: accessToken, token_type_hint: 'access_token' }, what);
  const parsed = TokenInfo.safeParse(body);
  if (!parsed.success) {
    // {active: false}: the token just issued is already unknown or expired.
    const inactive = !!body && typeof body === 'object' && (body as { active?: unknown }).active === false;
    throw inactive
      ? classifyHubSpotResponse(401, null, undefined, `${what} (token not active)`)
      : classifyHubSpotResponse(502, null, undefined, `${what} (unexpected response shape)`);
  }
  // One API host serves every portal: the configured one.
  return { accountId: String(parsed.data.hub_id), accountDomain: parsed.data.hub_domain ?? null, scopes: parsed.data.scopes, apiBaseUrl: app.apiBaseUrl };
}
