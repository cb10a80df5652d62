/**
 * The HTTP edge (issue 10, "also fix"): per-client rate limits on /api/v1 and on the install
 * start (429 + Retry-After, counted in Redis, no state row written past the limit), security
 * headers, WWW-Authenticate on 401. Limits are set low for this file through the environment.
 */
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  // One proxy hop trusted: the client is the X-Forwarded-For address.
  h = await startHarness({ env: { API_RATE_LIMIT_PER_MINUTE: '5', INSTALL_RATE_LIMIT_PER_HOUR: '3', TRUST_PROXY: '1' } });
});
afterAll(async () => {
  await h.close();
});

const stateRows = async () => (await rows<{ n: number }>(h, sql`SELECT count(*)::int AS n FROM oauth_states`))[0]!.n;

describe('rate limits', () => {
  it('answers 429 with Retry-After and the error body once a client passes the API limit (keyless calls count too)', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 7; i++) {
      const res = await fetch(`${h.rt.url}/api/v1/runs`, { headers: { authorization: 'Bearer sway_0_wrong', 'x-forwarded-for': '203.0.113.7' } });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.text();
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited!.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    // The count lives in Redis under this server's queue prefix (shared by every server).
    const keys = await ((await h.rt.queues.score.client) as unknown as Redis).keys(`${h.rt.config.redis.prefix}:rl:api:*`);
    expect(keys.length).toBe(1);
    // Another client (behind the trusted proxy) has its own count.
    const other = await fetch(`${h.rt.url}/api/v1/runs`, { headers: { authorization: 'Bearer sway_0_wrong', 'x-forwarded-for': '203.0.113.8' } });
    expect(other.status).toBe(401);
    // Health checks are not limited.
    expect((await fetch(`${h.rt.url}/healthz`)).status).toBe(200);
  });

  it('limits anonymous install starts, and writes no state row past the limit', async () => {
    const before = await stateRows();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${h.rt.url}/oauth/hubspot/install`, { redirect: 'manual' });
      statuses.push(res.status);
      await res.text();
    }
    expect(statuses).toEqual([302, 302, 302, 429, 429, 429]);
    expect(await stateRows()).toBe(before + 3);
  });
});

describe('headers', () => {
  it('sends security headers (helmet) on pages and API answers', async () => {
    for (const path of ['/healthz', '/oauth/hubspot/callback?error=access_denied']) {
      const res = await fetch(`${h.rt.url}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    }
  });
});
