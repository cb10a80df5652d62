// The Salesforce sandbox's daily API allowance and fault injection, seen through the real
// jsforce: Sforce-Limit-Info counted per call, /limits, 403 REQUEST_LIMIT_EXCEEDED at the limit
// until the day rolls over, the Sforce-Call-Options client recorded, and injected 503s, limit
// errors, row locks (seeded, repeatable) and hung connections.
import type { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.ts';
import { connect, rejection } from './sandbox-session.ts';

const START = Date.parse('2026-12-01T10:00:00.000Z');
let clock = START;
let sandbox: SalesforceSandbox;
let conn: Connection;

beforeEach(async () => {
  clock = START;
  sandbox = createSalesforceSandbox({ now: () => clock, dailyApiLimit: 1000 });
  await sandbox.start();
  conn = await connect(sandbox, { callOptions: { client: 'sway' } });
});
afterEach(async () => {
  await sandbox.stop();
});

const limits = () => conn.request<{ DailyApiRequests: { Max: number; Remaining: number } }>('/limits');
const bearer = () => ({ authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' });

describe('daily API allowance', () => {
  it('counts each API call in Sforce-Limit-Info and /limits; OAuth, identity and 401s are not counted', async () => {
    await conn.identity();
    await fetch(`${sandbox.url}/services/data/v68.0/limits`, { headers: { authorization: 'Bearer nope' } });
    expect(sandbox.apiUsage.used).toBe(0);
    await conn.query('SELECT Id FROM Contact');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 1, limit: 1000 });
    await conn.sobject('Contact').describe();
    expect(conn.limitInfo.apiUsage).toEqual({ used: 2, limit: 1000 });
    expect((await limits()).DailyApiRequests).toEqual({ Max: 1000, Remaining: 997 });
    expect(conn.limitInfo.apiUsage!.used).toBe(3);
    expect(sandbox.requests.filter((r) => r.counted).map((r) => r.client)).toEqual(['sway', 'sway', 'sway']);
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the allowance is used, uncounted, until the next day', async () => {
    sandbox.setApiUsage(998);
    await limits();
    await limits();
    expect(conn.limitInfo.apiUsage).toEqual({ used: 1000, limit: 1000 });
    const error = await rejection(conn.sobject('Contact').create({ LastName: 'Over' }));
    expect(error.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(error.message).toBe('TotalRequests Limit exceeded.');
    const res = await fetch(`${sandbox.url}/services/data/v68.0/limits`, { headers: bearer() });
    expect(res.status).toBe(403);
    expect(res.headers.get('sforce-limit-info')).toBe('api-usage=1000/1000');
    expect(sandbox.listRecords('Contact')).toHaveLength(0);
    clock = Date.parse('2026-12-02T00:00:00.000Z');
    expect((await limits()).DailyApiRequests).toEqual({ Max: 1000, Remaining: 999 });
  });
});

describe('faults', () => {
  it('injects 503 SERVER_UNAVAILABLE and 403 REQUEST_LIMIT_EXCEEDED before anything is counted or written', async () => {
    sandbox.setFaults({ rate503: 1 });
    const body = JSON.stringify({ allOrNone: false, records: [{ attributes: { type: 'Contact' }, LastName: 'A' }] });
    const res = await fetch(`${sandbox.url}/services/data/v68.0/composite/sobjects`, { method: 'POST', headers: bearer(), body });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual([{ message: 'Server is temporarily unavailable. Please try again later.', errorCode: 'SERVER_UNAVAILABLE' }]);
    sandbox.setFaults({ rateLimitExceeded: 1 });
    expect((await rejection(conn.sobject('Contact').create({ LastName: 'B' }))).errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(sandbox.listRecords('Contact')).toHaveLength(0);
    expect(sandbox.apiUsage.used).toBe(0);
    expect(sandbox.requests.filter((r) => r.injected).map((r) => r.status)).toEqual([503, 403]);
    // OAuth is never faulted: a refresh goes through while every API call is refused.
    await conn.oauth2.refreshToken(conn.refreshToken!);
    expect(sandbox.requests.at(-1)).toMatchObject({ grantType: 'refresh_token', status: 200 });
    sandbox.setFaults({});
    await conn.sobject('Contact').create({ LastName: 'C' });
    expect(sandbox.listRecords('Contact')).toHaveLength(1);
  });

  it('fails a seeded share of written records with UNABLE_TO_LOCK_ROW, the same ones for the same seed', async () => {
    const lockedIndexes = async (target: SalesforceSandbox, c: Connection) => {
      target.setFaults({ rateLockRow: 0.1, seed: 7 });
      const records = Array.from({ length: 200 }, (_, i) => ({ LastName: `L${i}` }));
      const results = (await c.sobject('Contact').create(records, { allOrNone: false })) as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>;
      expect(results.filter((r) => !r.success).every((r) => r.errors[0]!.statusCode === 'UNABLE_TO_LOCK_ROW')).toBe(true);
      return results.flatMap((r, i) => (r.success ? [] : [i]));
    };
    const first = await lockedIndexes(sandbox, conn);
    // 200 draws at 10%: the standard deviation is ≈ 4.2, so 5..40 is far beyond chance.
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(40);
    expect(sandbox.listRecords('Contact')).toHaveLength(200 - first.length);
    const other = createSalesforceSandbox({ now: () => clock });
    await other.start();
    try {
      expect(await lockedIndexes(other, await connect(other))).toEqual(first);
    } finally {
      await other.stop();
    }
  });

  it('holds a hung connection open until the client gives up', async () => {
    sandbox.setFaults({ rateHang: 1 });
    const abort = new AbortController();
    const pending = fetch(`${sandbox.url}/services/data/v68.0/limits`, { headers: bearer(), signal: abort.signal });
    const settled = pending.then(() => 'answered', () => 'failed');
    while (!sandbox.requests.some((r) => r.hung)) await new Promise((resolve) => setImmediate(resolve));
    expect(sandbox.requests.find((r) => r.hung)).toMatchObject({ status: 0, injected: true });
    abort.abort();
    expect(await settled).toBe('failed');
    expect(sandbox.apiUsage.used).toBe(0);
  });
});
