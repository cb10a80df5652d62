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
  | 'UNSUPPORTED' // the connector does not read or write this object (a Sway bug, not the CRM's)
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

/** Anything thrown as a SwayError; unknown failures (a bug, a socket error) count as TRANSIENT. */
export function toSwayError(err: unknown): SwayError {
  return err instanceof SwayError ? err : new SwayError('TRANSIENT', err instanceof Error ? err.message : String(err));
}

/**
 * Codes of the errors a user can fix (start Redis, free a port…): the CLI (src/cli.ts) prints
 * their message as one line and exits with `exitCode`, without a stack.
 */
export type UserFacingCode =
  | 'REDIS_UNAVAILABLE' // Redis is not reachable at REDIS_URL
  | 'STORE_UNAVAILABLE' // PostgreSQL is not reachable at DATABASE_URL
  | 'STORE_LOCKED' // the embedded store's directory is in use by another process
  | 'PORT_IN_USE'; // the HTTP server cannot listen on HOST:PORT

/**
 * Base of the user-facing errors. This file imports nothing, so src/cli.ts can tell them apart
 * (instanceof, code) without loading the modules that throw them.
 */
export class UserFacingError extends Error {
  override name = 'UserFacingError';
  constructor(
    readonly code: UserFacingCode,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
