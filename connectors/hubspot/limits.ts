/**
 * HubSpot's per-account request limits as data (connectors/connector.ts `ConnectorLimits`):
 * src/sync/rate-budget.ts builds the shared budget from them; HUBSPOT_RATE_* override them.
 */
import type { ConnectorLimits } from '../connector.ts';
import { HUBSPOT_RATE_LIMIT, HUBSPOT_REQUEST_TIMEOUT_MS } from './api.ts';

/** Search has its own limit: 5 requests per second per account. https://developers.hubspot.com/docs/api/crm/search */
export const HUBSPOT_SEARCH_RATE_LIMIT = { requests: 5, intervalMs: 1000 } as const;

export const HUBSPOT_LIMITS: ConnectorLimits = {
  burst: { standard: { ...HUBSPOT_RATE_LIMIT }, search: { ...HUBSPOT_SEARCH_RATE_LIMIT } },
  requestTimeoutMs: HUBSPOT_REQUEST_TIMEOUT_MS,
};
