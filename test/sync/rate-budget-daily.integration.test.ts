/**
 * The optional daily allowance a connector may declare (connectors/connector.ts
 * `limits.daily`, Salesforce's DailyApiRequests): kept in Redis for every worker, and a spent
 * one fails fast as RATE_LIMITED with the wait, instead of holding a job for hours.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateBudget } from '../../src/sync/rate-budget.ts';

const prefix = `sway-test-${randomBytes(4).toString('hex')}`;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe('daily allowance', () => {
  const budget = () => new RateBudget(redis, prefix, { standard: { limit: 1000, intervalMs: 10_000, share: 1 }, daily: { limit: 4, share: 0.75 } });

  it("admits Sway's share of the allowance across budget instances, then refuses with the wait", async () => {
    const a = budget();
    const b = budget(); // another worker
    await a.acquire('salesforce:org1');
    await b.acquire('salesforce:org1', 'search');
    await a.acquire('salesforce:org1');
    const err = await b.acquire('salesforce:org1').then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED' });
    const wait = (err as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(22 * 3600_000); // the oldest counted hour is this one (or the last, at an hour's turn)
    expect(wait).toBeLessThanOrEqual(24 * 3600_000);
    await a.acquire('salesforce:org2'); // per account
  });

  it('forgets hours older than a day', async () => {
    const key = `${prefix}:budget:{salesforce:org3}:daily`;
    const [s] = await redis.time();
    const hour = Math.floor((Number(s) * 1000) / 3600_000);
    await redis.hset(key, String(hour - 24), '100', String(hour - 23), '2');
    const b = budget();
    await b.acquire('salesforce:org3');
    await expect(b.acquire('salesforce:org3')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await redis.hexists(key, String(hour - 24))).toBe(0);
    // The hour 23 back leaves the window first.
    const err = (await b.acquire('salesforce:org3').catch((e: unknown) => e)) as { retryAfterMs: number };
    expect(err.retryAfterMs).toBeLessThanOrEqual(3600_000);
  });
});
