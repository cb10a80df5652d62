/**
 * jsforce Connections for one installation's session: pinned to API v68.0 (jsforce's default
 * is older), `Sforce-Call-Options: client=<app>` on every call so Sway's own writes can be told
 * apart in change events (their `changeOrigin` names the client), and, when a refresh token is given, a refreshFn that
 * keeps a rotated refresh token (jsforce's built-in refresh drops it: see
 * test/connectors/salesforce/sandbox-oauth.integration.test.ts "jsforce and rotation").
 */
import { Connection } from 'jsforce';
import type { SwayError } from '../../src/domain/errors.ts';
import type { CrmSession, OAuthApp } from '../connector.ts';
import { classifySalesforceError } from './errors.ts';
import { SALESFORCE_API_VERSION } from './manifests.ts';
import { refresh, type SalesforceTokenSet, type TokenOptions } from './oauth.ts';

/** The `client` Sway names itself with in Sforce-Call-Options, unless configured otherwise. */
export const SALESFORCE_CALL_CLIENT = 'sway';

export interface ConnectionOptions {
  client?: string;
  /** For jsforce's refresh on INVALID_SESSION_ID: the app, the current refresh token, and where to store what a refresh returns. */
  refresh?: {
    app: OAuthApp;
    refreshToken: string;
    tokenOptions?: TokenOptions;
    /** Called with the new tokens before the retried call is sent; the caller seals and stores them. */
    onRefresh(tokens: SalesforceTokenSet): Promise<void> | void;
  };
}

const refreshFailures = new WeakMap<Connection, SwayError>();

/**
 * Why the connection's last refresh failed (DISCONNECTED, TRANSIENT…). jsforce rethrows a
 * refreshFn failure as a plain Error ("Unable to refresh session due to: …",
 * lib/session-refresh-delegate.js), dropping our code; callers read it back here.
 */
export function lastRefreshFailure(conn: Connection): SwayError | undefined {
  return refreshFailures.get(conn);
}

/** A Connection to the session's instance (`apiBaseUrl`, validated at install by ./hosts.ts). */
export function salesforceConnection(session: CrmSession, options: ConnectionOptions = {}): Connection {
  const r = options.refresh;
  let refreshToken = r?.refreshToken;
  const conn: Connection = new Connection({
    instanceUrl: session.apiBaseUrl,
    accessToken: session.accessToken,
    version: SALESFORCE_API_VERSION,
    callOptions: { client: options.client ?? SALESFORCE_CALL_CLIENT },
    ...(r && {
      refreshFn: (_conn, callback) => {
        refresh(r.app, refreshToken!, r.tokenOptions)
          .then(async (tokens) => {
            refreshToken = tokens.refreshToken; // the next refresh sends the rotated one
            await r.onRefresh(tokens);
            refreshFailures.delete(conn);
            callback(undefined, tokens.accessToken);
          })
          .catch((err: unknown) => {
            refreshFailures.set(conn, classifySalesforceError(err, 'Salesforce token refresh', 'refresh'));
            callback(err as Error);
          });
      },
    }),
  });
  return conn;
}
