/**
 * Issue 17 item 3: a job's retries must outlast a realistic CRM outage (tens of minutes), not
 * spend all attempts in four minutes as the 1 s exponential backoff with 8 attempts did.
 */
import { describe, expect, it } from 'vitest';
import { SwayError } from '../../src/domain/errors.ts';
import { backoffDelay, decideRetry, MAX_ATTEMPTS } from '../../src/sync/retry.ts';
import { DEFAULT_JOB_SETTINGS } from '../../src/jobs/workers.ts';

const policy = { baseMs: DEFAULT_JOB_SETTINGS.backoffMs, maxMs: DEFAULT_JOB_SETTINGS.backoffMaxMs };
/** Total wait before the last attempt, with the jitter at its least (0) or most (1). */
const span = (random: () => number) => {
  let total = 0;
  for (let made = 1; made < MAX_ATTEMPTS; made++) total += backoffDelay(made, policy, random);
  return total;
};

describe('job backoff', () => {
  it('the default attempts span more than 30 minutes even with the least jitter', () => {
    expect(span(() => 0)).toBeGreaterThan(30 * 60_000);
    expect(span(() => 1)).toBeLessThan(3 * 3600_000);
  });

  it('grows exponentially, never beyond the cap, and keeps at least half of each step', () => {
    expect(backoffDelay(1, policy, () => 1)).toBe(policy.baseMs);
    expect(backoffDelay(2, policy, () => 1)).toBe(2 * policy.baseMs);
    for (let made = 1; made < 60; made++) {
      const d = backoffDelay(made, policy, () => 1);
      expect(d).toBeLessThanOrEqual(policy.maxMs);
      expect(backoffDelay(made, policy, () => 0)).toBe(Math.round(d / 2));
    }
  });

  it('a transient failure backs off until the last attempt, then gives up', () => {
    const e = new SwayError('TRANSIENT', 'HubSpot server error');
    expect(decideRetry(e, MAX_ATTEMPTS - 1).kind).toBe('backoff');
    expect(decideRetry(e, MAX_ATTEMPTS).kind).toBe('permanent');
    expect(decideRetry(e, 3, 3).kind).toBe('permanent');
  });
});
