/**
 * What a failed job should do next, decided from the error alone (pure, unit-tested).
 * The worker maps the decision onto BullMQ: `permanent` → UnrecoverableError (no retries),
 * `delay` → retry after the given time, `backoff` → the queue's exponential backoff.
 */
import { SwayError } from '../domain/errors.ts';

export type RetryDecision =
  | { kind: 'permanent'; reason: string }
  | { kind: 'delay'; ms: number; reason: string }
  | { kind: 'backoff'; reason: string };

/** Wait at least a full HubSpot rolling window when a 429 carries no Retry-After. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;
export const MAX_ATTEMPTS = 8;

export function decideRetry(error: unknown, attempt: number): RetryDecision {
  if (attempt >= MAX_ATTEMPTS) return { kind: 'permanent', reason: `gave up after ${attempt} attempts` };
  if (!(error instanceof SwayError)) return { kind: 'backoff', reason: 'unexpected error' };
  switch (error.code) {
    case 'RATE_LIMITED':
      return { kind: 'delay', ms: error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS, reason: 'rate limited' };
    case 'TRANSIENT':
    case 'AUTH_EXPIRED':
      return { kind: 'backoff', reason: error.code.toLowerCase() };
    default:
      return { kind: 'permanent', reason: error.code.toLowerCase() };
  }
}
