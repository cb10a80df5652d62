/**
 * Issue 17 item 7: after a 429 storm the shared budget (src/sync/rate-budget.ts) must grow
 * back to its full share well within 5 minutes of quiet windows (it used to sit at its 30%
 * floor for 30 windows). The clock is Redis's: the test moves the last 429 back in time.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_ADAPT, RateBudget } from '../../src/sync/rate-budget.ts';

const INTERVAL = 10_000;
const prefix = `sway-test-${randomBytes(4).toString('hex')}`;
const account = 'hubspot:1';
let redis: Redis;
let budget: RateBudget;
const base = `${prefix}:budget:{${account}}:standard`;

/** As if the last 429 came `intervals` windows ago, leaving the factor at `adapt`. */
async function lastPenalty(adapt: number, intervals: number): Promise<void> {
  const [s, us] = await redis.time();
  const now = Number(s) * 1000 + Math.floor(Number(us) / 1000);
  await redis.set(`${base}:adapt`, String(adapt), 'PX', 30 * INTERVAL);
  await redis.set(`${base}:adapt-at`, String(now - intervals * INTERVAL), 'PX', 30 * INTERVAL);
}

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  budget = new RateBudget(redis, prefix, { standard: { limit: 100, intervalMs: INTERVAL, share: 0.9 } });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('rate budget recovery after a 429 storm', () => {
  it('a 429 lowers the usable share at once', async () => {
    await budget.penalize(account, 'standard', 1);
    expect(await budget.adaptation(account)).toBeCloseTo(0.8, 5);
  });

  it('stays lowered through the first quiet windows (steady contention is not re-probed at once)', async () => {
    await lastPenalty(MIN_ADAPT, 5);
    expect(await budget.adaptation(account)).toBeCloseTo(MIN_ADAPT, 5);
  });

  it('grows back after that, and is whole again in under 3 minutes of quiet', async () => {
    await lastPenalty(MIN_ADAPT, 14);
    const partial = await budget.adaptation(account);
    expect(partial).toBeGreaterThan(MIN_ADAPT);
    expect(partial).toBeLessThan(1);
    await lastPenalty(MIN_ADAPT, 17.5);
    expect(await budget.adaptation(account)).toBe(1);
  });

  it('a new 429 after recovery starts from the recovered share, not the old floor', async () => {
    await lastPenalty(MIN_ADAPT, 20);
    expect(await budget.penalize(account, 'standard', 1)).toBeCloseTo(0.8, 5);
  });
});
