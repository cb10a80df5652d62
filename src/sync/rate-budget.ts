/**
 * A per-CRM-account request budget kept in Redis, so every worker on every machine draws from
 * one allowance. A sliding log (a sorted set of grant times, Redis clock) admits a request
 * while fewer than `limit × share × adapt` were granted in the last interval; otherwise it
 * says how long to wait. A 429 from the CRM (someone else spent the account's allowance, or
 * our clock view was off) blocks the account for Retry-After — or a full interval — and
 * lowers `adapt`, which grows back once the account has been quiet (no 429) for
 * RECOVER_AFTER_INTERVALS: by RECOVER_STEP per further interval, so from the 30% floor to the
 * full share in 17 intervals (under 3 minutes at a 10 s window; issue 17 saw it stay at
 * the floor for 5 minutes). Search calls have their own budget, and a connector may declare a daily allowance (DAILY).
 *
 * Hand-written rather than a limiter library because none found shares a sliding window
 * across processes with Redis time and honours a server-sent pause (Bottleneck's Redis
 * mode is reservoir-based and the SDK's own Bottleneck is per-process).
 */
import type { Redis } from 'ioredis';
import type { ConnectorLimits } from '../../connectors/connector.ts';
import type { CrmLimitOverrides } from '../config.ts';
import { SwayError } from '../domain/errors.ts';

export interface BudgetPolicy {
  /** Requests the CRM allows per interval (e.g. 100 / 10 s; the connector declares it). */
  limit: number;
  intervalMs: number;
  /** Share of the limit Sway uses (headroom for clocks, latency and others): default 0.9. */
  share: number;
}

/**
 * A CRM's budget policies: the limits its connector declares (connectors/connector.ts
 * `limits`), each field overridden by the operator's configuration when set, all at the
 * configured share. A kind the connector does not list separately draws on `standard`.
 */
export function budgetPolicies(limits: ConnectorLimits, overrides: CrmLimitOverrides): BudgetPolicies {
  const policy = (kind: 'standard' | 'search'): BudgetPolicy | undefined => {
    const declared = limits.burst[kind];
    if (!declared) return undefined;
    const o = overrides.burst[kind] ?? {};
    return { limit: o.requests ?? declared.requests, intervalMs: o.intervalMs ?? declared.intervalMs, share: overrides.share };
  };
  const search = policy('search');
  const dailyLimit = limits.daily && (overrides.daily?.requests ?? limits.daily.requests);
  return { standard: policy('standard')!, ...(search ? { search } : {}), ...(dailyLimit ? { daily: { limit: dailyLimit, share: overrides.share } } : {}) };
}

/** A rolling 24-hour allowance per account (Salesforce's DailyApiRequests), shared by every request kind. */
export interface DailyPolicy {
  limit: number;
  share: number;
}

export interface BudgetPolicies {
  standard: BudgetPolicy;
  search?: BudgetPolicy;
  daily?: DailyPolicy;
}

/**
 * The daily allowance as hourly counts in one hash (one key, so Redis Cluster can run it):
 * the last 24 hours' sum admits a request while under the allowance; otherwise the answer is
 * how long until the oldest counted hour leaves the window. Hour granularity: a request may be
 * counted up to an hour longer than the CRM counts it, which errs on the safe side.
 */
const DAILY = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hour = math.floor(now / 3600000)
local fields = redis.call('HGETALL', KEYS[1])
local total, oldest = 0, hour
for i = 1, #fields, 2 do
  local h = tonumber(fields[i])
  if h <= hour - 24 then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    total = total + tonumber(fields[i + 1])
    if h < oldest then oldest = h end
  end
end
if total >= tonumber(ARGV[1]) then return math.max(1, (oldest + 24) * 3600000 - now) end
redis.call('HINCRBY', KEYS[1], tostring(hour), 1)
redis.call('PEXPIRE', KEYS[1], 25 * 3600000)
return 0
`;

// The usable share now: the stored factor plus STEP per whole interval beyond AFTER quiet
// ones since the last 429 (adaptKey; atKey holds when that 429 came).
const EFFECTIVE_ADAPT = `
local function effectiveAdapt(adaptKey, atKey, now, interval, after, step)
  local adapt = tonumber(redis.call('GET', adaptKey) or '1')
  local at = tonumber(redis.call('GET', atKey) or '0')
  local quiet = math.floor((now - at) / interval) - after
  if quiet > 0 then adapt = math.min(1, adapt + step * quiet) end
  return adapt
end
`;

const ACQUIRE = `${EFFECTIVE_ADAPT}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return blocked - now end
-- A grant leaves the window a little after the CRM's interval: requests reach the CRM some
-- milliseconds after their grant, by varying amounts, and bursts must not meet there.
local interval = tonumber(ARGV[2]) + math.max(50, math.floor(tonumber(ARGV[2]) / 100))
local adapt = effectiveAdapt(KEYS[3], KEYS[4], now, tonumber(ARGV[2]), tonumber(ARGV[4]), tonumber(ARGV[5]))
local allowed = math.max(1, math.floor(tonumber(ARGV[1]) * adapt))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval)
local n = redis.call('ZCARD', KEYS[1])
if n < allowed then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], interval * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], n - allowed, n - allowed, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + interval - now)
`;

const PENALIZE = `${EFFECTIVE_ADAPT}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local blocked = tonumber(redis.call('GET', KEYS[1]) or '0')
local adapt = effectiveAdapt(KEYS[2], KEYS[3], now, tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]))
-- The 429s of one burst (several requests in flight) are one signal: adapt once per pause.
if blocked <= now then adapt = math.max(tonumber(ARGV[3]), adapt * tonumber(ARGV[2])) end
if untilMs > blocked then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
redis.call('SET', KEYS[2], tostring(adapt), 'PX', tonumber(ARGV[4]))
redis.call('SET', KEYS[3], tostring(now), 'PX', tonumber(ARGV[4]))
return tostring(adapt)
`;

const ADAPTATION = `${EFFECTIVE_ADAPT}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return tostring(effectiveAdapt(KEYS[1], KEYS[2], now, tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])))
`;

/**
 * Each pause (one or more 429s) multiplies the usable share by ADAPT_FACTOR, never below
 * MIN_ADAPT. After RECOVER_AFTER_INTERVALS without a 429 it grows by RECOVER_STEP per further
 * interval up to the full share: slowly enough that steady contention (another app using part
 * of the account) is not probed with a 429 every few windows, fast enough that a storm that
 * ended does not slow Sway for minutes. The factor is forgotten after ADAPT_MEMORY_INTERVALS.
 */
export const ADAPT_FACTOR = 0.8;
export const MIN_ADAPT = 0.3;
export const RECOVER_AFTER_INTERVALS = 10;
export const RECOVER_STEP = 0.1;
export const ADAPT_MEMORY_INTERVALS = 30;

let counter = 0;

export class RateBudget {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly policies: BudgetPolicies,
  ) {}

  private keys(account: string, kind: 'standard' | 'search') {
    const base = `${this.prefix}:budget:{${account}}:${kind}`;
    return [`${base}:log`, `${base}:blocked`, `${base}:adapt`, `${base}:adapt-at`];
  }

  private policy(kind: 'standard' | 'search'): BudgetPolicy {
    return (kind === 'search' && this.policies.search) || this.policies.standard;
  }

  /**
   * Waits until the account may make one more request of this kind. A spent daily allowance
   * is not waited out (that can be hours): it throws SwayError('RATE_LIMITED') with the wait as
   * retryAfterMs, so the queue delays the job (src/sync/retry.ts).
   */
  async acquire(account: string, kind: 'standard' | 'search' = 'standard', signal?: AbortSignal): Promise<void> {
    const daily = this.policies.daily;
    if (daily) {
      const allowed = Math.max(1, Math.floor(daily.limit * daily.share));
      const wait = Number(await this.redis.eval(DAILY, 1, `${this.prefix}:budget:{${account}}:daily`, allowed));
      if (wait > 0) throw new SwayError('RATE_LIMITED', `the account's daily request allowance (Sway's share: ${allowed}) is used up`, { retryAfterMs: wait });
    }
    const p = this.policy(kind);
    const allowed = Math.max(1, Math.floor(p.limit * p.share));
    for (;;) {
      signal?.throwIfAborted();
      const member = `${process.pid}-${Date.now()}-${++counter}`;
      const wait = Number(await this.redis.eval(ACQUIRE, 4, ...this.keys(account, kind), allowed, p.intervalMs, member, RECOVER_AFTER_INTERVALS, RECOVER_STEP));
      if (wait <= 0) return;
      await new Promise((r) => setTimeout(r, Math.min(wait, p.intervalMs)));
    }
  }

  /** The CRM said 429: pause the account for retryAfterMs (or a full interval) and use less of it for a while. */
  async penalize(account: string, kind: 'standard' | 'search' = 'standard', retryAfterMs?: number): Promise<number> {
    const p = this.policy(kind);
    const pause = retryAfterMs && retryAfterMs > 0 ? retryAfterMs : p.intervalMs;
    const adapt = await this.redis.eval(PENALIZE, 3, ...this.keys(account, kind).slice(1), pause, ADAPT_FACTOR, MIN_ADAPT, p.intervalMs * ADAPT_MEMORY_INTERVALS, p.intervalMs, RECOVER_AFTER_INTERVALS, RECOVER_STEP);
    return Number(adapt);
  }

  /** Current adaptation factor (1 = full share), for run history and tests. */
  async adaptation(account: string, kind: 'standard' | 'search' = 'standard'): Promise<number> {
    const [, , adapt, at] = this.keys(account, kind);
    return Number(await this.redis.eval(ADAPTATION, 2, adapt!, at!, this.policy(kind).intervalMs, RECOVER_AFTER_INTERVALS, RECOVER_STEP));
  }
}
