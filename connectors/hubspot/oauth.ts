/**
 * HubSpot OAuth for public apps (CRM-NOTES.md "OAuth"): consent URL, code exchange, refresh
 * and token info. The token endpoint is called through the SDK's generic `apiRequest`
 * because the generated TokensApi drops the `status` field of error bodies, and
 * `BAD_REFRESH_TOKEN` in that field is how HubSpot says an installation is gone.
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
});

const TokenInfo = z.object({
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

async function tokenRequest(app: OAuthApp, form: Record<string, string>, what: string): Promise<TokenSet> {
  const requestedAt = Date.now();
  let res;
  try {
    res = await anonymousClient(app.apiBaseUrl).apiRequest({
      method: 'POST',
      path: HUBSPOT_PATHS.token,
      body: new URLSearchParams({ ...form, client_id: app.clientId, client_secret: app.clientSecret }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      defaultJson: false,
    });
  } catch (err) {
    throw classifyHubSpotError(err, what);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) throw classifyHubSpotResponse(res.status, body, Object.fromEntries(res.headers.entries()), what);
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
  try {
    const info = await anonymousClient(app.apiBaseUrl).oauth.accessTokensApi.get(accessToken);
    const parsed = TokenInfo.parse({ hub_id: info.hubId, hub_domain: info.hubDomain, scopes: info.scopes });
    return { accountId: String(parsed.hub_id), accountDomain: parsed.hub_domain ?? null, scopes: parsed.scopes };
  } catch (err) {
    throw classifyHubSpotError(err, 'HubSpot token info');
  }
}
