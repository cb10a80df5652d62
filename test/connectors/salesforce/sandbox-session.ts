// Test helper: installs into a Salesforce sandbox the way Sway will, with the real jsforce —
// PKCE web-server flow (authorize redirect read with fetch, code exchanged by jsforce with its
// code verifier) — and returns a Connection pinned to API v68.0 (jsforce's default is older).
import { Connection, OAuth2 } from 'jsforce';
import type { SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.ts';

export const REDIRECT = 'http://localhost:3000/oauth/salesforce/callback';
export const VERSION = '68.0';

export function oauth2For(sandbox: SalesforceSandbox): OAuth2 {
  return new OAuth2({ loginUrl: sandbox.url, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, redirectUri: REDIRECT, useVerifier: true });
}

/** Follows the authorize URL (the sandbox consents at once) and returns the redirect's query. */
export async function authorize(url: string): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location')!).searchParams;
}

export async function connect(sandbox: SalesforceSandbox, extra: { callOptions?: Record<string, string> } = {}): Promise<Connection> {
  const oauth2 = oauth2For(sandbox);
  const query = await authorize(oauth2.getAuthorizationUrl({ scope: 'api refresh_token', state: 'st-1' }));
  const conn = new Connection({ oauth2, version: VERSION, ...extra });
  await conn.authorize(query.get('code')!);
  return conn;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: PromiseLike<unknown>): Promise<Error & { errorCode?: string; data?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { errorCode?: string };
  }
  throw new Error('expected a rejection');
}
