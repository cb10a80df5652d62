// The Salesforce sandbox's OAuth, driven by the real jsforce: the PKCE web-server flow, the
// identity URL, refresh with and without rotation (a rotated refresh token is dead), jsforce's
// own refresh on INVALID_SESSION_ID, revoke, and the test network guard refusing real hosts.
import { Connection, OAuth2 } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.ts';
import { authorize, connect, oauth2For, REDIRECT, rejection, VERSION } from './sandbox-session.ts';

let clock = Date.parse('2026-12-01T10:00:00.000Z');
let sandbox: SalesforceSandbox;

beforeEach(async () => {
  sandbox = createSalesforceSandbox({ now: () => clock });
  await sandbox.start();
});
afterEach(async () => {
  await sandbox.stop();
});

describe('authorize and token', () => {
  it('installs with PKCE: token response, identity URL and a working connection', async () => {
    const conn = await connect(sandbox);
    expect(conn.instanceUrl).toBe(sandbox.url);
    expect(conn.userInfo).toMatchObject({ id: sandbox.userId, organizationId: sandbox.orgId });
    expect(conn.refreshToken).toBeTruthy();
    const identity = await conn.identity();
    expect(identity).toMatchObject({ user_id: sandbox.userId, organization_id: sandbox.orgId, username: 'admin@sway-sandbox.example' });
    const token = sandbox.requests.find((r) => r.path === '/services/oauth2/token')!;
    expect(token).toMatchObject({ status: 200, grantType: 'authorization_code' });
    const body = token.body as Record<string, string>;
    expect(body.code_verifier).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  });

  it('refuses a code exchanged with another verifier (PKCE mismatch), and the code is spent', async () => {
    const first = oauth2For(sandbox);
    const query = await authorize(first.getAuthorizationUrl({ scope: 'api refresh_token', state: 's' }));
    const other = oauth2For(sandbox); // a different random verifier
    const error = await rejection(other.requestToken(query.get('code')!));
    expect(error.name).toBe('invalid_grant');
    expect(error.message).toBe('invalid code verifier');
    // A refused attempt spends the code: the right verifier cannot use it afterwards.
    const again = await rejection(first.requestToken(query.get('code')!));
    expect(again.message).toBe('invalid authorization code');
  });

  it('requires a code_challenge on authorize and answers through the redirect', async () => {
    const plain = new OAuth2({ loginUrl: sandbox.url, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, redirectUri: REDIRECT });
    const query = await authorize(plain.getAuthorizationUrl({ scope: 'api refresh_token', state: 'xyz' }));
    expect(Object.fromEntries(query)).toEqual({ error: 'invalid_request', error_description: 'missing required code challenge', state: 'xyz' });
    const res = await fetch(`${sandbox.url}/services/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=x`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('OAUTH_EC_APP_NOT_FOUND');
  });

  it('refuses a wrong client secret and an unknown grant type', async () => {
    const wrong = new OAuth2({ loginUrl: sandbox.url, clientId: sandbox.clientId, clientSecret: 'wrong', redirectUri: REDIRECT });
    expect((await rejection(wrong.refreshToken('whatever'))).name).toBe('invalid_client');
    const res = await fetch(`${sandbox.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });
});

describe('refresh', () => {
  it('without rotation keeps the refresh token and answers no new one', async () => {
    const conn = await connect(sandbox);
    const first = await conn.oauth2.refreshToken(conn.refreshToken!);
    expect(first.refresh_token).toBeUndefined();
    expect(first.access_token).not.toBe(conn.accessToken);
    await conn.oauth2.refreshToken(conn.refreshToken!); // still valid
  });

  it('with rotation issues a new refresh token and the old one is refused from then on', async () => {
    sandbox.setRotateRefreshTokens(true);
    const conn = await connect(sandbox);
    const old = conn.refreshToken!;
    const rotated = await conn.oauth2.refreshToken(old);
    expect(rotated.refresh_token).toBeTruthy();
    expect(rotated.refresh_token).not.toBe(old);
    const error = await rejection(conn.oauth2.refreshToken(old));
    expect(error.name).toBe('invalid_grant');
    expect(error.message).toBe('expired access/refresh token');
    await conn.oauth2.refreshToken(rotated.refresh_token!); // the new one works (once)
  });

  it('answers 401 INVALID_SESSION_ID for an expired token, and jsforce refreshes once and retries', async () => {
    const conn = await connect(sandbox);
    const before = conn.accessToken;
    clock += 2 * 3600_000 + 1; // the default 2 h session is over
    const res = await fetch(`${sandbox.url}/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${before}` } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const limits = await conn.request<{ DailyApiRequests: { Max: number } }>('/limits');
    expect(limits.DailyApiRequests.Max).toBe(100_000);
    expect(conn.accessToken).not.toBe(before);
    const refreshes = sandbox.requests.filter((r) => r.grantType === 'refresh_token');
    expect(refreshes.map((r) => r.status)).toEqual([200]);
  });
});

describe('session length', () => {
  it('follows accessTokenTtlSeconds (the org session timeout)', async () => {
    const short = createSalesforceSandbox({ now: () => clock, accessTokenTtlSeconds: 60 });
    await short.start();
    try {
      const conn = await connect(short);
      const limits = () => fetch(`${short.url}/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${conn.accessToken}` } });
      clock += 59_000;
      expect((await limits()).status).toBe(200);
      clock += 1_000;
      expect((await limits()).status).toBe(401);
    } finally {
      await short.stop();
    }
  });
});

describe('jsforce and rotation', () => {
  // jsforce's built-in refresh (3.10.16 and 3.10.26 alike: lib/connection.js oauthRefreshFn)
  // keeps only the new access token: with rotation on, its second refresh sends the dead refresh
  // token. The connector must pass its own refreshFn that stores the rotated token (under the
  // shared lock).
  it('jsforce\'s own refresh loses a rotated refresh token; a refreshFn that keeps it does not', async () => {
    sandbox.setRotateRefreshTokens(true);
    const plain = await connect(sandbox);
    clock += 2 * 3600_000 + 1;
    await plain.request('/limits'); // first refresh: fine, but the rotated token is dropped
    clock += 2 * 3600_000 + 1;
    const error = await rejection(plain.request('/limits'));
    expect(error.message).toBe('Unable to refresh session due to: expired access/refresh token');

    const kept = await connect(sandbox);
    const conn = new Connection({
      oauth2: kept.oauth2, version: VERSION, instanceUrl: kept.instanceUrl, accessToken: kept.accessToken!, refreshToken: kept.refreshToken!,
      refreshFn: (c, callback) => {
        c.oauth2.refreshToken(c.refreshToken!).then((res) => {
          c.refreshToken = res.refresh_token ?? c.refreshToken; // keep the rotated token
          callback(undefined, res.access_token, res);
        }, (e: Error) => callback(e));
      },
    });
    for (let i = 0; i < 3; i++) {
      clock += 2 * 3600_000 + 1;
      await conn.request('/limits');
    }
    expect(sandbox.requests.filter((r) => r.grantType === 'refresh_token').map((r) => r.status)).toEqual([200, 400, 200, 200, 200]);
  });
});

describe('revoke', () => {
  it('revoking the refresh token ends it and the sessions issued with it', async () => {
    const conn = await connect(sandbox);
    await conn.oauth2.revokeToken(conn.refreshToken!);
    expect((await rejection(conn.oauth2.refreshToken(conn.refreshToken!))).name).toBe('invalid_grant');
    const res = await fetch(`${sandbox.url}/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${conn.accessToken}` } });
    expect(res.status).toBe(401);
    expect((await rejection(conn.oauth2.revokeToken('unknown'))).name).toBe('unsupported_token_type');
  });
});

describe('test network guard', () => {
  it('lets jsforce reach the sandbox on loopback and refuses a real Salesforce host', async () => {
    const conn = await connect(sandbox); // loopback: allowed
    const remote = new Connection({ instanceUrl: 'https://sway-test.my.salesforce.com', accessToken: conn.accessToken!, version: VERSION });
    // jsforce sends through the undici package, which nock does not see: the socket guard
    // (test/helpers/loopback-sockets.ts) refuses, and undici's fetch reports it as the cause.
    const error = await rejection(remote.sobject('Contact').create({ LastName: 'Never sent' }));
    expect(causeChain(error)).toMatch(/Disallowed net connect to sway-test\.my\.salesforce\.com/);
    // A GET is retried by jsforce on network errors, but not on the guard's code.
    const read = await rejection(remote.sobject('Contact').retrieve('003000000000001'));
    expect(causeChain(read)).toMatch(/Disallowed net connect/);
    const login = new OAuth2({ loginUrl: 'https://login.salesforce.com', clientId: 'x', clientSecret: 'y', redirectUri: REDIRECT });
    expect(causeChain(await rejection(login.refreshToken('r')))).toMatch(/Disallowed net connect to login\.salesforce\.com/);
  });
});

/** An error's message and those of its causes (undici's fetch says "fetch failed" and keeps the reason in `cause`). */
function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: string; cause?: unknown } | undefined; e && parts.length < 5; e = e.cause as typeof e) parts.push(String(e.message));
  return parts.join(' <- ');
}
