/**
 * A lock in Redis held by one owner at a time, expiring on its own when the owner dies (a
 * killed worker must not block an installation for good). The token refresh
 * (src/sync/access.ts), the webhook drain (src/jobs/webhook.ts) and the one-run-at-a-time rule
 * for pull, score, match and push (src/jobs/workers.ts) all use this one helper.
 *
 * `owner` defaults to a random id; acquiring again as the same owner succeeds (and refreshes
 * the expiry).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// SET NX, or re-take a hold we already own (same owner), refreshing its expiry.
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export class RedisLock {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly ttlMs: number,
    readonly owner: string = randomUUID(),
  ) {}

  /** True when we hold the lock now (newly, or again as the same owner). */
  async acquire(): Promise<boolean> {
    return Number(await this.redis.eval(ACQUIRE, 1, this.key, this.owner, String(this.ttlMs))) === 1;
  }

  /** Pushes the expiry out by the ttl again; false when the hold was lost (expired and taken). */
  async extend(): Promise<boolean> {
    return Number(await this.redis.eval(EXTEND, 1, this.key, this.owner, String(this.ttlMs))) === 1;
  }

  /** Only our own hold is released; releasing twice is harmless. */
  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.owner);
  }

  /**
   * Holds the lock while `body` runs, extending it every third of the ttl (a long push or match
   * outlives any fixed ttl). Returns undefined without running `body` when someone else holds it.
   */
  async whileHeld<T>(body: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (!(await this.acquire())) return undefined;
    const timer = setInterval(() => void this.extend().catch(() => {}), Math.max(50, Math.floor(this.ttlMs / 3)));
    timer.unref();
    try {
      return { value: await body() };
    } finally {
      clearInterval(timer);
      await this.release().catch(() => {});
    }
  }
}
