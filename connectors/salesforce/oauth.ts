/**
 * Salesforce OAuth 2.0 web-server flow with PKCE for the External Client App (the sandbox's
 * connectors/salesforce/sandbox/README.md follows the same endpoints): consent URL, code exchange, identity, refresh that keeps a rotated refresh
 * token, revoke; through jsforce's OAuth2. Stateless: the caller keeps the PKCE verifier with
 * its single-use state between authorizeUrl and exchangeCode, and stores the tokens sealed.
 *
 * SSRF: the token answer names the org's `instance_url` and identity URL, both later called
 * with the org's token, so both must be Salesforce hosts (./hosts.ts) before anything is sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { z } from 'zod';
import { SwayError } from '../../src/domain/errors.ts';
import type { AccountInfo, OAuthApp, TokenSet } from '../connector.ts';
import { classifySalesforceError } from './errors.ts';
import { salesforceOrigin, type HostPolicy } from './hosts.ts';
import { SALESFORCE_API_VERSION } from './manifests.ts';

export const SALESFORCE_SCOPES = ['api', 'refresh_token'] as const;

/** Login hosts: production, sandbox orgs, or the org's My Domain (validated as a Salesforce host). */
export function salesforceLoginUrl(login: 'production' | 'sandbox' | { myDomain: string }): string {
  if (login === 'production') return 'https://login.salesforce.com';
  if (login === 'sandbox') return 'https://test.salesforce.com';
  return salesforceOrigin(login.myDomain, {}, 'My Domain login host');
}

/** Salesforce's token answer omits expires_in: access tokens follow the org's session timeout (default 2 h). */
export const SALESFORCE_DEFAULT_SESSION_MS = 2 * 3600_000;

/** A PKCE pair. The verifier is 43 base64url characters (32 random bytes; RFC 7636 allows 43–128). */
export function createPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function oauth2(app: OAuthApp, redirectUri?: string, codeVerifier?: string): OAuth2 {
  const client = new OAuth2({ loginUrl: app.appBaseUrl, clientId: app.clientId, clientSecret: app.clientSecret, ...(redirectUri && { redirectUri }) });
  // jsforce sends `codeVerifier` with every token call when set; we set our own instead of its
  // `useVerifier`, whose random one lives only in this object (the callback runs in another).
  if (codeVerifier) client.codeVerifier = codeVerifier;
  return client;
}

/** The consent URL; keep `verifier` with `state` until the callback. */
export function authorizeUrl(app: OAuthApp, params: { redirectUri: string; state: string }): { url: string; verifier: string } {
  const { verifier, challenge } = createPkce();
  const url = oauth2(app, params.redirectUri).getAuthorizationUrl({ scope: app.scopes.join(' '), state: params.state, code_challenge: challenge });
  return { url, verifier };
}

/** Tokens plus where this org lives, validated. */
export interface SalesforceTokenSet extends TokenSet {
  instanceUrl: string;
  /** `https://login.salesforce.com/id/<orgId>/<userId>`. */
  identityUrl: string;
  scopes: string[];
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.string().min(1),
  id: z.string().min(1),
  scope: z.string().optional(),
});

export interface TokenOptions {
  /** Hosts besides Salesforce's that instance and identity URLs may name (the local sandbox in tests). */
  hosts?: HostPolicy;
  /** The org's session timeout, when it is not the default 2 h. */
  sessionMs?: number;
}

function readTokens(answer: unknown, requestedAt: number, previousRefresh: string | undefined, options: TokenOptions, what: string): SalesforceTokenSet {
  const parsed = TokenAnswer.safeParse(answer);
  if (!parsed.success) throw new SwayError('TRANSIENT', `${what} failed: unexpected token answer shape`, { status: 502 });
  const refreshToken = parsed.data.refresh_token ?? previousRefresh;
  if (!refreshToken) throw new SwayError('FORBIDDEN', `${what} failed: no refresh token (the app needs the refresh_token scope)`);
  const identityUrl = new URL(parsed.data.id);
  return {
    accessToken: parsed.data.access_token,
    refreshToken,
    // From when we asked, so latency makes us refresh early, not late.
    expiresAt: new Date(requestedAt + (options.sessionMs ?? SALESFORCE_DEFAULT_SESSION_MS)),
    instanceUrl: salesforceOrigin(parsed.data.instance_url, options.hosts ?? {}, 'instance_url'),
    identityUrl: `${salesforceOrigin(identityUrl.origin, options.hosts ?? {}, 'identity URL')}${identityUrl.pathname}`,
    scopes: parsed.data.scope ? parsed.data.scope.split(/\s+/).filter(Boolean) : [],
  };
}

/** Exchanges the callback's code with the verifier kept for its state. A wrong verifier is INVALID. */
export async function exchangeCode(
  app: OAuthApp,
  params: { code: string; redirectUri: string; verifier: string },
  options: TokenOptions = {},
): Promise<SalesforceTokenSet> {
  const what = 'Salesforce code exchange';
  const requestedAt = Date.now();
  let answer: unknown;
  try {
    answer = await oauth2(app, params.redirectUri, params.verifier).requestToken(params.code);
  } catch (err) {
    throw classifySalesforceError(err, what, 'exchange');
  }
  return readTokens(answer, requestedAt, undefined, options, what);
}

/**
 * A new access token. With rotation on, Salesforce answers a new refresh token and the old
 * one dies: it is returned in the TokenSet, and the caller must store it before the next refresh.
 * A revoked or rotated-away token is DISCONNECTED.
 */
export async function refresh(app: OAuthApp, refreshToken: string, options: TokenOptions = {}): Promise<SalesforceTokenSet> {
  const what = 'Salesforce token refresh';
  const requestedAt = Date.now();
  let answer: unknown;
  try {
    answer = await oauth2(app).refreshToken(refreshToken);
  } catch (err) {
    throw classifySalesforceError(err, what, 'refresh');
  }
  return readTokens(answer, requestedAt, refreshToken, options, what);
}

/** Revokes a refresh token (and the sessions issued with it): on disconnect. An unknown token is NOT_FOUND. */
export async function revoke(app: OAuthApp, token: string): Promise<void> {
  try {
    await oauth2(app).revokeToken(token);
  } catch (err) {
    throw classifySalesforceError(err, 'Salesforce token revoke', 'revoke');
  }
}

const Identity = z.object({
  organization_id: z.string().min(15),
  user_id: z.string().min(15),
  username: z.string().optional(),
});

/**
 * Which org and user the tokens belong to: the ids in the identity URL's path, confirmed by
 * reading it. `apiBaseUrl` is the org's instance URL (validated in readTokens).
 */
export async function accountInfo(app: OAuthApp, tokens: SalesforceTokenSet): Promise<AccountInfo & { userId: string; apiBaseUrl: string }> {
  const what = 'Salesforce identity';
  const ids = /\/id\/(00D\w{12,15})\/(005\w{12,15})$/.exec(new URL(tokens.identityUrl).pathname);
  if (!ids) throw new SwayError('INVALID', `${what} failed: the identity URL names no org and user`);
  const conn = new Connection({ instanceUrl: tokens.instanceUrl, accessToken: tokens.accessToken, version: SALESFORCE_API_VERSION });
  let body: unknown;
  try {
    body = await conn.request({ method: 'GET', url: tokens.identityUrl });
  } catch (err) {
    throw classifySalesforceError(err, what);
  }
  const identity = Identity.safeParse(body);
  if (!identity.success) throw new SwayError('TRANSIENT', `${what} failed: unexpected answer shape`, { status: 502 });
  // The URL and its answer must agree (15- or 18-character forms of the same ids).
  const same = (a: string, b: string) => a.slice(0, 15) === b.slice(0, 15);
  if (!same(identity.data.organization_id, ids[1]!) || !same(identity.data.user_id, ids[2]!)) {
    throw new SwayError('INVALID', `${what} failed: the identity answer names another org or user`);
  }
  return {
    accountId: identity.data.organization_id,
    accountDomain: new URL(tokens.instanceUrl).hostname,
    scopes: tokens.scopes.length ? tokens.scopes : [...app.scopes],
    apiBaseUrl: tokens.instanceUrl,
    userId: identity.data.user_id,
  };
}
