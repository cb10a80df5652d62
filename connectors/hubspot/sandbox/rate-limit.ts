// HubSpot's per-account burst limit ("TEN_SECONDLY_ROLLING") as a rolling window: at most `max`
// requests in any `intervalMs` span, measured with the sandbox clock so tests can move time.
//
// Decision: a rejected (429) request does NOT count toward the window. HubSpot documents no
// penalty for rejected calls, and counting them would let a retry loop keep an account locked
// forever; not counting them means a client that waits out the window always recovers, and the
// number of 429s a benchmark sees is exactly the number of requests the client sent over budget.

export interface RateLimitDecision {
  allowed: boolean;
  max: number;
  remaining: number;
  intervalMs: number;
  /** ms until the oldest counted request leaves the window (0 when allowed). */
  retryAfterMs: number;
}

export class RollingWindowLimiter {
  // Timestamps of the accepted requests still inside the window, oldest first.
  private accepted: number[] = [];

  constructor(
    private max: number,
    private intervalMs: number,
    private readonly now: () => number,
  ) {}

  get settings(): { max: number; intervalMs: number } {
    return { max: this.max, intervalMs: this.intervalMs };
  }

  /** Changes the budget at runtime; requests already counted stay in the window. */
  reconfigure(max: number, intervalMs: number): void {
    if (!Number.isInteger(max) || max < 1 || !(intervalMs > 0)) throw new Error(`invalid rate limit ${max}/${intervalMs}ms`);
    this.max = max;
    this.intervalMs = intervalMs;
  }

  /** `reservedShare`: part of the limit other traffic on the account uses (fault injection). */
  take(reservedShare = 0): RateLimitDecision {
    const t = this.now();
    // A request made exactly intervalMs ago has left the window.
    while (this.accepted.length > 0 && this.accepted[0]! <= t - this.intervalMs) this.accepted.shift();
    const base = { max: this.max, intervalMs: this.intervalMs };
    const usable = Math.max(1, Math.floor(this.max * (1 - reservedShare)));
    if (this.accepted.length >= usable) {
      return { ...base, allowed: false, remaining: 0, retryAfterMs: this.accepted[0]! + this.intervalMs - t };
    }
    this.accepted.push(t);
    return { ...base, allowed: true, remaining: usable - this.accepted.length, retryAfterMs: 0 };
  }

  reset(): void {
    this.accepted = [];
  }
}

export function rateLimitHeaders(d: RateLimitDecision): Record<string, string> {
  return {
    'X-HubSpot-RateLimit-Max': String(d.max),
    'X-HubSpot-RateLimit-Remaining': String(d.remaining),
    'X-HubSpot-RateLimit-Interval-Milliseconds': String(d.intervalMs),
  };
}
