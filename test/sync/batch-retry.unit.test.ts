// decideBatchRetry, case by case: what the push engine does with one batch write that threw.
import { describe, expect, it } from 'vitest';
import { SwayError, type SwayErrorCode } from '../../src/domain/errors.ts';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  decideBatchRetry,
  MAX_REFRESHES_PER_BATCH,
  RATE_LIMITED_ATTEMPTS,
  TRANSIENT_ATTEMPTS,
  type BatchRetryState,
} from '../../src/sync/retry.ts';

const fresh: BatchRetryState = { size: 100, transientFailures: 0, rateLimits: 0, refreshedTokens: 0, tokenRefreshed: false };
const err = (code: SwayErrorCode, message = `${code} happened`) => new SwayError(code, message);
const top = () => 0.999_999; // jitter at its ceiling, so the bound is visible

describe('decideBatchRetry', () => {
  it('a wait longer than a burst window (daily allowance used up) gives the run back at once, for the queue to delay', () => {
    const daily = new SwayError('RATE_LIMITED', 'daily allowance used up', { retryAfterMs: 3 * 3600_000 });
    expect(decideBatchRetry(daily, fresh)).toMatchObject({ kind: 'give-back', error: { code: 'RATE_LIMITED' } });
    const burst = new SwayError('RATE_LIMITED', 'burst', { retryAfterMs: 10_000 });
    expect(decideBatchRetry(burst, fresh)).toEqual({ kind: 'wait', ms: 0, cause: 'rate-limited' });
  });

  it('429: resends at once (the shared budget already paused) until RATE_LIMITED_ATTEMPTS, then gives the run back', () => {
    expect(decideBatchRetry(err('RATE_LIMITED'), fresh)).toEqual({ kind: 'wait', ms: 0, cause: 'rate-limited' });
    expect(decideBatchRetry(err('RATE_LIMITED'), { ...fresh, rateLimits: RATE_LIMITED_ATTEMPTS - 1 }).kind).toBe('wait');
    const out = decideBatchRetry(err('RATE_LIMITED'), { ...fresh, rateLimits: RATE_LIMITED_ATTEMPTS });
    expect(out).toMatchObject({ kind: 'give-back', error: { code: 'RATE_LIMITED' } });
  });

  it('transient: full-jitter backoff growing from the base to the cap, the last attempt gives back', () => {
    const ms = (n: number) => {
      const d = decideBatchRetry(err('TRANSIENT'), { ...fresh, transientFailures: n }, top);
      if (d.kind !== 'wait' || d.cause !== 'transient') throw new Error(`expected a transient wait, got ${d.kind}`);
      return d.ms;
    };
    expect(ms(0)).toBeCloseTo(BACKOFF_BASE_MS * 2, 0);
    expect(ms(1)).toBeCloseTo(BACKOFF_BASE_MS * 4, 0);
    expect(ms(TRANSIENT_ATTEMPTS - 2)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(decideBatchRetry(err('TRANSIENT'), fresh, () => 0)).toEqual({ kind: 'wait', ms: 0, cause: 'transient' });
    expect(decideBatchRetry(err('TRANSIENT'), { ...fresh, transientFailures: TRANSIENT_ATTEMPTS - 1 })).toMatchObject({ kind: 'give-back', error: { code: 'TRANSIENT' } });
  });

  it('a thrown non-SwayError (a socket error, a bug) counts as transient and is given back as a SwayError', () => {
    expect(decideBatchRetry(new Error('socket hang up'), fresh, top)).toMatchObject({ kind: 'wait', cause: 'transient' });
    const out = decideBatchRetry(new Error('socket hang up'), { ...fresh, transientFailures: TRANSIENT_ATTEMPTS - 1 });
    expect(out.kind).toBe('give-back');
    expect(out.kind === 'give-back' && out.error).toBeInstanceOf(SwayError);
    expect(out).toMatchObject({ error: { code: 'TRANSIENT', message: 'socket hang up' } });
  });

  it('401: refreshes a token once; a refreshed token refused again, or too many refreshes, gives back', () => {
    expect(decideBatchRetry(err('AUTH_EXPIRED'), fresh)).toEqual({ kind: 'refresh' });
    expect(decideBatchRetry(err('AUTH_EXPIRED'), { ...fresh, refreshedTokens: 1 })).toEqual({ kind: 'refresh' });
    expect(decideBatchRetry(err('AUTH_EXPIRED'), { ...fresh, refreshedTokens: 1, tokenRefreshed: true }).kind).toBe('give-back');
    expect(decideBatchRetry(err('AUTH_EXPIRED'), { ...fresh, refreshedTokens: MAX_REFRESHES_PER_BATCH }).kind).toBe('give-back');
  });

  it('a batch refused whole: split in halves (the first the larger), a single record fails with the reason', () => {
    expect(decideBatchRetry(err('INVALID'), fresh)).toEqual({ kind: 'split', at: 50 });
    expect(decideBatchRetry(err('INVALID'), { ...fresh, size: 3 })).toEqual({ kind: 'split', at: 2 });
    expect(decideBatchRetry(err('INVALID'), { ...fresh, size: 2 })).toEqual({ kind: 'split', at: 1 });
    expect(decideBatchRetry(err('INVALID', 'Property values were not valid'), { ...fresh, size: 1 })).toEqual({ kind: 'fail', message: 'Property values were not valid' });
  });

  it('disconnected, forbidden, not found, conflict, unsupported and internal errors give the run back at once', () => {
    for (const code of ['DISCONNECTED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED', 'INTERNAL'] as const) {
      const e = err(code);
      expect(decideBatchRetry(e, fresh)).toEqual({ kind: 'give-back', error: e });
    }
  });
});
