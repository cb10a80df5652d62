import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspot } from '../../connectors/hubspot/index.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { sessionFor } from '../../src/sync/access.ts';
import type { DesiredRecord } from '../../src/sync/delta.ts';
import { pushRecords } from '../../src/sync/push-engine.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

// HubSpot's limit shape (100 per window) on a 1 s window, so waits stay short in CI.
const WINDOW_MS = 1000;
const N = 5000;
let h: Harness;
let installationId: string;
let ids: string[];

beforeAll(async () => {
  h = await startHarness({ sandbox: { rateLimit: { max: 100, intervalMs: WINDOW_MS } }, env: { HUBSPOT_RATE_INTERVAL_MS: String(WINDOW_MS) } });
  ids = h.sandbox.seedContacts(Array.from({ length: N }, (_, i) => ({ email: `f${i}@example.com` })));
  ({ installationId } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
});
afterAll(async () => {
  await h.close();
});

const desired = (variant: number): DesiredRecord[] =>
  ids.map((id, i) => ({
    id,
    properties: hubspot.vendorProperties('contact', { influenceScore: (i + variant) % 101, conversations30d: (i * 3 + variant) % 50, advocate: (i + variant) % 2 === 0, stage: 'decision' }),
  }));

const deps = () => ({
  db: h.rt.store.db,
  connector: hubspot,
  installationId,
  objectType: 'contact' as const,
  session: (rejected?: string) => sessionFor(h.rt.jobs.access, installationId, rejected),
  concurrency: 4,
});

describe('push engine under injected faults', () => {
  it('with 20% 429s and 5% 5xx, every one of 5,000 contacts ends with exactly the right values', async () => {
    h.sandbox.setFaults({ rate429: 0.2, rate5xx: 0.05, seed: 7 });
    const want = desired(1);
    const { counts, errors } = await pushRecords(deps(), want);
    h.sandbox.setFaults({});
    expect(errors).toEqual([]);
    expect(counts.written).toBe(N);
    const injected = h.sandbox.requests.filter((r) => r.injected);
    expect(injected.length).toBeGreaterThan(5); // the faults really happened
    for (const w of want) {
      const props = h.sandbox.getContact(w.id)!.properties;
      for (const [k, v] of Object.entries(w.properties)) expect(props[k] ?? '').toBe(v);
    }
  });
});

describe('shared budget under contention', () => {
  // Load-independent by design. The share of 429s after adapting depends on how late requests
  // reach the sandbox after their grant (a busy machine measured 1.14–1.16% against a 1% bound,
  // issue 10): the budget counts grants by Redis time, the CRM counts arrivals by its own. What
  // does not depend on timing: the contention is seen (429s), every 429 lowers the budget once
  // per pause, the lowered budget fits in what the other traffic leaves, and every value lands.
  it('adapts when other traffic takes 20% of the account limit: the adapted share fits in what is left, every value lands', async () => {
    const LIMIT = 20;
    const CONTENTION = 0.2;
    const SHARE = 0.9;
    // HubSpot's own 10 s window, not the file's 1 s: contention bites only if the push sends
    // more than the 16 requests left in a window, and on a busy machine (load 24) a batch took
    // longer than 1/16 s, so no 429 came at all. 16 batches in 10 s leave 600 ms each.
    const WINDOW = 10_000;
    // 20 requests per window, so each 5,000-contact push (50 batches) spans several windows.
    h.sandbox.setRateLimit({ max: LIMIT, intervalMs: WINDOW });
    const budgetDeps = { ...deps() };
    const { RateBudget, ADAPT_FACTOR, MIN_ADAPT } = await import('../../src/sync/rate-budget.ts');
    const budget = new RateBudget(h.rt.jobs.access.redis, `${h.rt.config.redis.prefix}-contention`, { standard: { limit: LIMIT, intervalMs: WINDOW, share: SHARE } });
    const access = { ...h.rt.jobs.access, crms: { hubspot: { ...h.rt.jobs.access.crms.hubspot!, budget } } };
    budgetDeps.session = (rejected?: string) => sessionFor(access, installationId, rejected);
    h.sandbox.setFaults({ contention: CONTENTION, rate5xx: 0.05, seed: 3 });
    const mark = h.sandbox.requests.length;
    await pushRecords(budgetDeps, desired(2));
    const want = desired(3);
    const { counts, errors } = await pushRecords(budgetDeps, want);
    h.sandbox.setFaults({});
    h.sandbox.setRateLimit({ max: 100, intervalMs: WINDOW_MS });
    expect(errors).toEqual([]);
    expect(counts.written).toBe(N);
    const writes = h.sandbox.requests.slice(mark).filter((r) => r.path.endsWith('/batch/update'));
    expect(writes.some((r) => r.status === 429)).toBe(true); // contention did bite
    // Without adapting, the budget's 18 per window exceed the 16 the other traffic leaves.
    const left = Math.floor(LIMIT * (1 - CONTENTION));
    expect(Math.floor(LIMIT * SHARE)).toBeGreaterThan(left);
    // After adapting (once per pause: a power of ADAPT_FACTOR, never below MIN_ADAPT) it fits.
    const adapt = await budget.adaptation(`hubspot:${h.sandbox.portalId}`);
    const pauses = Math.round(Math.log(adapt) / Math.log(ADAPT_FACTOR));
    expect(pauses).toBeGreaterThanOrEqual(1);
    expect(adapt).toBeCloseTo(Math.max(MIN_ADAPT, ADAPT_FACTOR ** pauses), 6);
    expect(Math.floor(LIMIT * SHARE * adapt)).toBeLessThanOrEqual(left);
    // Every batch that met a 429 was sent again until it landed: each 429 has a later 2xx for
    // the same contacts (ordering, not timing).
    const ok = writes.filter((r) => r.status >= 200 && r.status < 300);
    expect(ok.length).toBe(2 * (N / 100));
    for (const w of want) expect(h.sandbox.getContact(w.id)!.properties.sway_influence_score).toBe(w.properties.sway_influence_score);
  });
});
