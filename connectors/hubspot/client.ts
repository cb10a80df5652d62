/**
 * Builds @hubspot/api-client instances. A client is cheap and bound to one access token, so
 * one is made per session; the SDK's own retries stay off (they ignore Retry-After — see
 * CRM-NOTES.md) and Sway's sync layer decides retries instead.
 */
import { Client } from '@hubspot/api-client';
import type { CrmSession } from '../connector.ts';

export function sessionClient(session: CrmSession): Client {
  return new Client({ accessToken: session.accessToken, basePath: session.apiBaseUrl, numberOfApiCallRetries: 0 });
}

export function anonymousClient(apiBaseUrl: string): Client {
  return new Client({ basePath: apiBaseUrl, numberOfApiCallRetries: 0 });
}
