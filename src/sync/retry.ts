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
/**
 * Queue attempts per job (JOB_ATTEMPTS). With backoffDelay's defaults (5 s doubling, capped
 * at 10 minutes) 15 attempts span 40–80 minutes: HubSpot incidents last tens of minutes
 * (issue 17 saw a 4-minute outage use up 8 attempts of a 1 s backoff).
 */
export const MAX_ATTEMPTS = 15;

export interface BackoffPolicy {
  /** The first retry's delay. */
  baseMs: number;
  /** No wait between attempts is longer than this. */
  maxMs: number;
}

/**
 * The wait before retry number `attemptsMade` (1 = after the first failure): exponential,
 * capped, with "equal jitter" (half fixed, half random) so workers that failed together do not
 * come back together, while the sum still spans a long outage. Pure; BullMQ calls it as the
 * worker's backoffStrategy.
 */
export function backoffDelay(attemptsMade: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const n = Math.max(1, attemptsMade);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function decideRetry(error: unknown, attempt: number, maxAttempts = MAX_ATTEMPTS): RetryDecision {
  if (attempt >= maxAttempts) return { kind: 'permanent', reason: `gave up after ${attempt} attempts` };
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
