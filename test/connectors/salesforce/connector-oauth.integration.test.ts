// The Salesforce connector's install against the sandbox over real HTTP (jsforce inside):
// PKCE verifier kept by the caller, identity, instance_url checks against a forged token
// answer, refresh rotation (a rotated refresh token is never sent again), revoke.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SwayError } from '../../../src/domain/errors.ts';
import type { OAuthApp } from '../../../connectors/connector.ts';
import { lastRefreshFailure, salesforceConnection } from '../../../connectors/salesforce/client.ts';
import { salesforceOrigin } from '../../../connectors/salesforce/hosts.ts';
import { accountInfo, authorizeUrl, exchangeCode, refresh, revoke, SALESFORCE_SCOPES, salesforceLoginUrl, type SalesforceTokenSet } from '../../../connectors/salesforce/oauth.ts';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.ts';
import { authorize, REDIRECT, rejection } from './sandbox-session.ts';

let clock = Date.parse('2026-12-01T10:00:00.000Z');
let sandbox: SalesforceSandbox;
let app: OAuthApp;
let hosts: { extraOrigins: string[] };

beforeEach(async () => {
  sandbox = createSalesforceSandbox({ now: () => clock });
  await sandbox.start();
  app = { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, appBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, scopes: SALESFORCE_SCOPES };
  hosts = { extraOrigins: [sandbox.url] };
});
afterEach(async () => {
  await sandbox.stop();
});

async function install(): Promise<SalesforceTokenSet> {
  const { url, verifier } = authorizeUrl(app, { redirectUri: REDIRECT, state: 'st-1' });
  const query = await authorize(url);
  return exchangeCode(app, { code: query.get('code')!, redirectUri: REDIRECT, verifier }, { hosts });
}

const swayError = async (p: Promise<unknown>) => {
  const e = await rejection(p);
  expect(e).toBeInstanceOf(SwayError);
  return e as unknown as SwayError;
};

describe('install', () => {
  it('runs the PKCE web-server flow and reads the org and user from the identity URL', async () => {
    const { url, verifier } = authorizeUrl(app, { redirectUri: REDIRECT, state: 'st-1' });
    const consent = new URL(url);
    expect(consent.origin + consent.pathname).toBe(`${sandbox.url}/services/oauth2/authorize`);
    expect(consent.searchParams.get('scope')).toBe('api refresh_token');
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const query = await authorize(url);
    expect(query.get('state')).toBe('st-1');
    const tokens = await exchangeCode(app, { code: query.get('code')!, redirectUri: REDIRECT, verifier }, { hosts });
    expect(tokens.instanceUrl).toBe(sandbox.url);
    expect(tokens.refreshToken).toBeTruthy();
    const sent = sandbox.requests.find((r) => r.grantType === 'authorization_code')!.body as Record<string, string>;
    expect(sent.code_verifier).toBe(verifier);

    const account = await accountInfo(app, tokens);
    expect(account).toMatchObject({ accountId: sandbox.orgId, userId: sandbox.userId, apiBaseUrl: sandbox.url });
  });

  it('fails the install when the code is exchanged with another verifier (PKCE mismatch)', async () => {
    const { url } = authorizeUrl(app, { redirectUri: REDIRECT, state: 's' });
    const { verifier: other } = authorizeUrl(app, { redirectUri: REDIRECT, state: 's2' });
    const query = await authorize(url);
    const error = await swayError(exchangeCode(app, { code: query.get('code')!, redirectUri: REDIRECT, verifier: other }, { hosts }));
    expect(error.code).toBe('INVALID');
    expect(error.message).toContain('invalid code verifier');
    expect(sandbox.requests.filter((r) => r.grantType === 'authorization_code').map((r) => r.status)).toEqual([400]);
  });

  it('refuses the sandbox itself when its origin is not passed: loopback http is no Salesforce host', async () => {
    const { url, verifier } = authorizeUrl(app, { redirectUri: REDIRECT, state: 's' });
    const query = await authorize(url);
    const error = await swayError(exchangeCode(app, { code: query.get('code')!, redirectUri: REDIRECT, verifier }));
    expect(error.code).toBe('INVALID');
    expect(error.message).toMatch(/instance_url refused/);
  });
});

describe('a forged token answer', () => {
  let forger: Server;
  let forgerUrl: string;
  let answer: Record<string, string>;
  beforeEach(async () => {
    // Stands in for a token endpoint that lies (or a compromised login host): not our code.
    forger = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)));
    });
    await new Promise<void>((r) => forger.listen(0, '127.0.0.1', r));
    forgerUrl = `http://127.0.0.1:${(forger.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => forger.close(r));
  });

  const ids = '/id/00D000000000001AAA/005000000000001AAA';
  it.each([
    ['an internal address', 'http://169.254.169.254', 'https://login.salesforce.com'],
    ['a look-alike host', 'https://acme.my.salesforce.com.evil.example', 'https://login.salesforce.com'],
    ['an https host elsewhere', 'https://evil.example', 'https://login.salesforce.com'],
    ['a good instance with a foreign identity URL', 'https://acme.my.salesforce.com', 'http://127.0.0.2:9'],
  ])('refuses %s and sends nothing there', async (_name, instance, idHost) => {
    answer = { access_token: 'forged-access-token', refresh_token: 'rt', instance_url: instance, id: `${idHost}${ids}`, scope: 'api refresh_token' };
    const forged = { ...app, appBaseUrl: forgerUrl };
    const error = await swayError(exchangeCode(forged, { code: 'c', redirectUri: REDIRECT, verifier: 'v'.repeat(43) }, { hosts: { extraOrigins: [forgerUrl] } }));
    expect(error.code).toBe('INVALID');
    expect(error.message).toMatch(/(instance_url|identity URL) refused/);
    expect(error.message).not.toContain('forged-access-token');
  });

  it('accepts a real Salesforce instance (nothing is called by the exchange itself)', async () => {
    answer = { access_token: 'at', refresh_token: 'rt', instance_url: 'https://acme.my.salesforce.com', id: `https://login.salesforce.com${ids}` };
    const tokens = await exchangeCode({ ...app, appBaseUrl: forgerUrl }, { code: 'c', redirectUri: REDIRECT, verifier: 'v'.repeat(43) }, { hosts: { extraOrigins: [forgerUrl] } });
    expect(tokens).toMatchObject({ instanceUrl: 'https://acme.my.salesforce.com', identityUrl: `https://login.salesforce.com${ids}` });
  });
});

describe('host rules', () => {
  it.each([
    ['https://acme.my.salesforce.com', true],
    ['https://ACME.my.salesforce.com/', true],
    ['https://na1.salesforce.com', true],
    ['https://acme.lightning.force.com', true],
    ['https://salesforce.com', false],
    ['https://evilsalesforce.com', false],
    ['https://acme.salesforce.com.evil.example', false],
    ['http://acme.my.salesforce.com', false],
    ['https://acme.my.salesforce.com:8443', false],
    ['https://user:pw@acme.my.salesforce.com', false],
    ['https://acme.my.salesforce.com/services', false],
    ['https://acme..salesforce.com', false],
    ['not a url', false],
  ])('%s → %s', (url, ok) => {
    const run = () => salesforceOrigin(url, {}, 'instance_url');
    if (ok) expect(run()).toBe(new URL(url).origin);
    else expect(run).toThrow(SwayError);
  });

  it('allows an extra origin only exactly', () => {
    expect(salesforceOrigin('http://127.0.0.1:4000', { extraOrigins: ['http://127.0.0.1:4000'] }, 'x')).toBe('http://127.0.0.1:4000');
    expect(() => salesforceOrigin('http://127.0.0.1:4001', { extraOrigins: ['http://127.0.0.1:4000'] }, 'x')).toThrow(SwayError);
  });

  it('names the login hosts; My Domain must be a Salesforce host', () => {
    expect(salesforceLoginUrl('production')).toBe('https://login.salesforce.com');
    expect(salesforceLoginUrl('sandbox')).toBe('https://test.salesforce.com');
    expect(salesforceLoginUrl({ myDomain: 'https://acme.my.salesforce.com' })).toBe('https://acme.my.salesforce.com');
    expect(() => salesforceLoginUrl({ myDomain: 'https://acme.example' })).toThrow(SwayError);
  });
});

describe('refresh and revoke', () => {
  it('returns a rotated refresh token; the old one is DISCONNECTED', async () => {
    sandbox.setRotateRefreshTokens(true);
    const t0 = await install();
    const t1 = await refresh(app, t0.refreshToken, { hosts });
    expect(t1.refreshToken).not.toBe(t0.refreshToken);
    expect(t1.accessToken).not.toBe(t0.accessToken);
    const t2 = await refresh(app, t1.refreshToken, { hosts });
    expect(t2.refreshToken).not.toBe(t1.refreshToken);
    expect((await swayError(refresh(app, t0.refreshToken, { hosts }))).code).toBe('DISCONNECTED');
  });

  it('keeps the refresh token when Salesforce does not rotate', async () => {
    const t0 = await install();
    const t1 = await refresh(app, t0.refreshToken, { hosts });
    expect(t1.refreshToken).toBe(t0.refreshToken);
  });

  it('a session Connection refreshes on INVALID_SESSION_ID with the newest refresh token, never a used one', async () => {
    sandbox.setRotateRefreshTokens(true);
    const t0 = await install();
    const stored: SalesforceTokenSet[] = [];
    const conn = salesforceConnection(
      { apiBaseUrl: t0.instanceUrl, accessToken: t0.accessToken },
      { refresh: { app, refreshToken: t0.refreshToken, tokenOptions: { hosts }, onRefresh: (t) => void stored.push(t) } },
    );
    for (let i = 0; i < 3; i++) {
      clock += 2 * 3600_000 + 1; // the 2 h session is over
      await conn.request('/limits');
    }
    const refreshes = sandbox.requests.filter((r) => r.grantType === 'refresh_token');
    expect(refreshes.map((r) => r.status)).toEqual([200, 200, 200]);
    const sent = refreshes.map((r) => (r.body as Record<string, string>).refresh_token);
    expect(sent).toEqual([t0.refreshToken, stored[0]!.refreshToken, stored[1]!.refreshToken]);
    expect(new Set([...sent, stored[2]!.refreshToken]).size).toBe(4);
  });

  it('a session Connection whose refresh token was revoked reports DISCONNECTED', async () => {
    const t0 = await install();
    const conn = salesforceConnection(
      { apiBaseUrl: t0.instanceUrl, accessToken: t0.accessToken },
      { refresh: { app, refreshToken: t0.refreshToken, tokenOptions: { hosts }, onRefresh: () => {} } },
    );
    await revoke(app, t0.refreshToken);
    expect(lastRefreshFailure(conn)).toBeUndefined();
    await rejection(conn.request('/limits'));
    expect(lastRefreshFailure(conn)?.code).toBe('DISCONNECTED');
  });

  it('revoke ends the installation: a later refresh is DISCONNECTED; an unknown token NOT_FOUND', async () => {
    const t0 = await install();
    await revoke(app, t0.refreshToken);
    expect((await swayError(refresh(app, t0.refreshToken, { hosts }))).code).toBe('DISCONNECTED');
    expect((await swayError(revoke(app, 'unknown'))).code).toBe('NOT_FOUND');
  });

  it('a wrong client secret is FORBIDDEN and the secret is not in the error', async () => {
    const t0 = await install();
    const error = await swayError(refresh({ ...app, clientSecret: 'wrong-secret-123' }, t0.refreshToken, { hosts }));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).not.toContain('wrong-secret-123');
    expect(error.message).not.toContain(t0.refreshToken);
  });
});
