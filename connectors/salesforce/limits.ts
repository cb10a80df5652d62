/**
 * Salesforce's request limits as data (connectors/connector.ts `ConnectorLimits`) and the
 * parsers for where an org reports its usage: the `Sforce-Limit-Info` header on every API
 * answer and the `/limits` resource. Pure.
 *
 * Salesforce has no per-second window of HubSpot's kind: the cap is the org's DailyApiRequests
 * (rolling 24 h, shared with every integration of the org), and Sway takes a share of it.
 */
import { z } from 'zod';
import type { ConnectorLimits } from '../connector.ts';

/** Sway's default share of the org's daily allowance. */
export const SALESFORCE_DAILY_SHARE = 0.1;
/** An Enterprise org's base allowance (100,000 + 1,000 per licence; the sandbox's default Max too), used until the org's own Max is read. */
export const SALESFORCE_DEFAULT_DAILY_MAX = 100_000;
/** Salesforce's own REST timeout is 10 minutes; Sway gives up on a silent call much earlier and retries it. */
export const SALESFORCE_REQUEST_TIMEOUT_MS = 60_000;

/** Requests Sway may make in 24 h: its share of the org's Max, at least 1. */
export function dailyShare(max: number, share = SALESFORCE_DAILY_SHARE): number {
  if (!Number.isFinite(max) || max < 1 || !(share > 0 && share <= 1)) throw new RangeError(`invalid daily allowance ${max} × ${share}`);
  return Math.max(1, Math.floor(max * share));
}

export const SALESFORCE_LIMITS: ConnectorLimits = {
  // Not Salesforce's limit (it has none per second): Sway's own pacing per org, so one org's
  // push cannot hold every worker; the daily share is what Salesforce enforces.
  burst: { standard: { requests: 25, intervalMs: 1_000 } },
  daily: { requests: dailyShare(SALESFORCE_DEFAULT_DAILY_MAX) },
  requestTimeoutMs: SALESFORCE_REQUEST_TIMEOUT_MS,
};

/** The org's daily usage as Salesforce reported it. */
export interface DailyUsage {
  used: number;
  max: number;
  remaining: number;
}

/**
 * `Sforce-Limit-Info: api-usage=18/100000` (other entries, e.g. `per-app-api-usage=…`, may
 * follow, comma-separated). Null when the header is absent or has no api-usage entry.
 */
export function parseLimitInfo(header: string | undefined | null): DailyUsage | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /^\s*api-usage\s*=\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(part);
    if (m) {
      const used = Number(m[1]);
      const max = Number(m[2]);
      if (max < 1) return null;
      return { used, max, remaining: Math.max(0, max - used) };
    }
  }
  return null;
}

const LimitsBody = z.object({
  DailyApiRequests: z.object({ Max: z.number().int().positive(), Remaining: z.number().int().nonnegative() }),
});

/** `GET /limits` → DailyApiRequests; null when the body is not that shape. */
export function parseLimitsBody(body: unknown): DailyUsage | null {
  const parsed = LimitsBody.safeParse(body);
  if (!parsed.success) return null;
  const { Max: max, Remaining } = parsed.data.DailyApiRequests;
  const remaining = Math.min(Remaining, max);
  return { used: max - remaining, max, remaining };
}
