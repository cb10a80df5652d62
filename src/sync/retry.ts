/**
 * Sway's one retry policy, as pure decisions from the error and what was tried (unit-tested
 * case by case):
 * - `decideRetry(error, attempt)`: what a failed job does next. The worker maps it onto BullMQ:
 *   `permanent` → UnrecoverableError (no retries), `delay` → retry after the given time,
 *   `backoff` → the queue's exponential backoff (backoffDelay).
 * - `decideBatchRetry(error, state)`: what the push engine (src/sync/push-engine.ts) does with
 *   one batch write that threw: wait and resend, refresh the token, split the batch, fail its one
 *   record, or give the run back to the queue — where decideRetry takes over.
 */
import { SwayError, toSwayError } from '../domain/errors.ts';

export type RetryDecision =
  | { kind: 'permanent'; reason: string }
  | { kind: 'delay'; ms: number; reason: string }
  | { kind: 'backoff'; reason: string };

/** When a 429 carries no Retry-After, wait at least one full rolling window (10 s covers the burst windows connectors declare). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 10_000;
/**
 * Queue attempts per job (JOB_ATTEMPTS). With backoffDelay's defaults (5 s doubling, capped
 * at 10 minutes) 15 attempts span 40–80 minutes: CRM incidents last tens of minutes
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

/** Transient failures (5xx, network) one batch may see; the last one gives the run back. */
export const TRANSIENT_ATTEMPTS = 6;
/** Full-jitter backoff between a batch's transient failures: base × 2^n, capped. */
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 8_000;
/** Token refreshes one batch may need (each for a different refused token) before the run fails. */
export const MAX_REFRESHES_PER_BATCH = 3;
/** 429s tolerated for one batch before giving the run back to the queue. */
export const RATE_LIMITED_ATTEMPTS = 30;

/** What one batch has been through before the failure being decided. */
export interface BatchRetryState {
  /** Records in the batch. */
  size: number;
  /** Transient failures of this batch so far (this one not counted). */
  transientFailures: number;
  /** 429s for this batch so far (this one not counted). */
  rateLimits: number;
  /** Tokens already refreshed for this batch. */
  refreshedTokens: number;
  /** The token this attempt used was already refreshed once for this batch (refused again ⇒ give back). */
  tokenRefreshed: boolean;
}

export type BatchRetryDecision =
  /**
   * Resend the same batch after `ms`. A 429 waits 0 here: the session hooks already paused the
   * account's shared budget, so the next request's acquire waits it out without spending time here.
   */
  | { kind: 'wait'; ms: number; cause: 'rate-limited' | 'transient' }
  /** Refresh the token this attempt used (once across workers), then resend. */
  | { kind: 'refresh' }
  /** The CRM refused the whole batch (one bad value fails all): write each half on its own. */
  | { kind: 'split'; at: number }
  /** The one record of this batch is refused: keep the reason on the record, do not resend it. */
  | { kind: 'fail'; message: string }
  /** Stop this run and throw `error`: the queue retries the job (decideRetry) or gives up. */
  | { kind: 'give-back'; error: SwayError };

/** Pure; `random` is the jitter source (tests pass a fixed one). */
export function decideBatchRetry(error: unknown, state: BatchRetryState, random: () => number = Math.random): BatchRetryDecision {
  const e = toSwayError(error);
  switch (e.code) {
    case 'RATE_LIMITED':
      // A wait longer than a burst window (a used-up daily allowance: hours) sets no pause in the
      // shared budget, so resending at once would only be refused again: the queue delays the job.
      if ((e.retryAfterMs ?? 0) > DEFAULT_RATE_LIMIT_WAIT_MS) break;
      if (state.rateLimits + 1 <= RATE_LIMITED_ATTEMPTS) return { kind: 'wait', ms: 0, cause: 'rate-limited' };
      break;
    case 'TRANSIENT': {
      const n = state.transientFailures + 1;
      if (n < TRANSIENT_ATTEMPTS) return { kind: 'wait', ms: random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** n), cause: 'transient' };
      break;
    }
    case 'AUTH_EXPIRED':
      // A token expiring while the batch is retried (a long outage) is refreshed again; one refused twice ends the run.
      if (!state.tokenRefreshed && state.refreshedTokens < MAX_REFRESHES_PER_BATCH) return { kind: 'refresh' };
      break;
    case 'INVALID':
      return state.size > 1 ? { kind: 'split', at: Math.ceil(state.size / 2) } : { kind: 'fail', message: e.message };
    default:
      break;
  }
  return { kind: 'give-back', error: e };
}
