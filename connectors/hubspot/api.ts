/**
 * HubSpot paths and limits in one place: when HubSpot moves from /crm/v3 to date-based paths
 * (September 2027, see CRM-NOTES.md) this file is the one change.
 */
export const HUBSPOT_PATHS = {
  authorize: '/oauth/authorize',
  /**
   * The date-versioned OAuth API (2026-03) replaces /oauth/v1/token and
   * /oauth/v1/access-tokens/{token}, which HubSpot retires on 2027-02-16:
   * https://developers.hubspot.com/changelog/v1-oauth-api-deprecation and the migration guide
   * https://developers.hubspot.com/docs/api-reference/legacy/authentication/oauth-tokens/v1/migration-guide
   */
  token: '/oauth/2026-03/token',
  /** Token metadata: a POST with the token in the form body, never in the path. */
  introspect: '/oauth/2026-03/token/introspect',
} as const;

/** Batch endpoints take at most 100 inputs. https://developers.hubspot.com/docs/api/crm/contacts */
export const HUBSPOT_BATCH_MAX = 100;
/** List endpoints return at most 100 objects a page. */
export const HUBSPOT_PAGE_MAX = 100;
/** Public apps: 100 requests per 10 s per installed account. https://developers.hubspot.com/docs/api/usage-details */
export const HUBSPOT_RATE_LIMIT = { requests: 100, intervalMs: 10_000 } as const;
/**
 * A request without a byte of answer for this long is abandoned and retried (HUBSPOT_TIMEOUT_MS).
 * HubSpot answers in well under a second; batch writes of 100 take a few.
 */
export const HUBSPOT_REQUEST_TIMEOUT_MS = 30_000;
