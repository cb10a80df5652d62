/**
 * Sway's one error class for anything that crosses a CRM or queue boundary. Connectors
 * classify vendor failures into these codes (connectors/<crm>/errors.ts); src/sync/retry.ts
 * maps codes onto what the queue should do. Messages never carry secrets or raw bodies.
 */
export type SwayErrorCode =
  | 'RATE_LIMITED' // the CRM said slow down (retryAfterMs when known)
  | 'TRANSIENT' // 5xx, timeouts, connection resets: back off and retry
  | 'AUTH_EXPIRED' // access token rejected: refresh once, then retry
  | 'DISCONNECTED' // refresh token revoked / app uninstalled: stop calling
  | 'FORBIDDEN' // missing scopes or permissions: an admin must act
  | 'INVALID' // the CRM rejected our input: retrying will not help
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INTERNAL';

export class SwayError extends Error {
  override name = 'SwayError';
  constructor(
    readonly code: SwayErrorCode,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; vendorCategory?: string; correlationId?: string } = {},
  ) {
    super(message);
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}
