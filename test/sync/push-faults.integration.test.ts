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
    properties: hubspot.contactProperties({ influenceScore: (i + variant) % 101, conversations30d: (i * 3 + variant) % 50, advocate: (i + variant) % 2 === 0, stage: 'decision' }),
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
  it('adapts when other traffic takes 20% of the account limit: after the first pause, under 1% of requests get 429s', async () => {
    // 20 requests per window, so each 5,000-contact push (50 batches) spans several windows.
    h.sandbox.setRateLimit({ max: 20, intervalMs: WINDOW_MS });
    const budgetDeps = { ...deps() };
    const { RateBudget } = await import('../../src/sync/rate-budget.ts');
    const budget = new RateBudget(h.rt.jobs.access.redis, `${h.rt.config.redis.prefix}-contention`, { standard: { limit: 20, intervalMs: WINDOW_MS, share: 0.9 } });
    const access = { ...h.rt.jobs.access, budget };
    budgetDeps.session = (rejected?: string) => sessionFor(access, installationId, rejected);
    h.sandbox.setFaults({ contention: 0.2, rate5xx: 0.05, seed: 3 });
    const mark = h.sandbox.requests.length;
    await pushRecords(budgetDeps, desired(2));
    const want = desired(3);
    const { counts } = await pushRecords(budgetDeps, want);
    h.sandbox.setFaults({});
    h.sandbox.setRateLimit({ max: 100, intervalMs: WINDOW_MS });
    expect(counts.written).toBe(N);
    const writes = h.sandbox.requests.slice(mark).filter((r) => r.path.endsWith('/batch/update'));
    const first429 = writes.findIndex((r) => r.status === 429);
    expect(first429).toBeGreaterThanOrEqual(0); // contention did bite before adapting
    // Requests in flight when the first 429 came back may still hit the wall; count after them.
    const after = writes.slice(first429 + 4);
    const share = after.filter((r) => r.status === 429).length / after.length;
    expect(after.length).toBeGreaterThan(80);
    expect(share).toBeLessThan(0.01);
    expect(await budget.adaptation(`hubspot:${h.sandbox.portalId}`)).toBeLessThan(1);
    for (const w of want) expect(h.sandbox.getContact(w.id)!.properties.sway_influence_score).toBe(w.properties.sway_influence_score);
  });
});
