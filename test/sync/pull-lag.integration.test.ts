/**
 * HubSpot's search index trails writes by seconds (the sandbox's searchLagMs). A change made
 * just before a pull is not in that pull's search; the next pull's window starts OVERLAP_MS
 * before the previous pull began (src/jobs/pull.ts), so it still finds it. Ids are past 2^31
 * (the sandbox default) and stay strings end to end.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullOnce } from '../../src/jobs/pull.ts';
import { listRuns } from '../../src/store/runs.ts';
import { crmRecords } from '../../src/store/schema.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

const LAG_MS = 3000;
let skew = 0;
// Held still from the change through the "too soon" pull, so that pull comes within the lag
// however slow the machine (on the real clock a 3 s stall between them made the change searchable).
let frozenAt: number | undefined;
let h: Harness;
let installationId: string;
let ids: string[];
beforeAll(async () => {
  // The sandbox clock runs with real time; `skew` moves it on so the index catches up without waiting.
  h = await startHarness({ sandbox: { searchLagMs: LAG_MS, now: () => frozenAt ?? Date.now() + skew } });
  ids = h.sandbox.seedContacts([{ email: 'a@example.com', lifecyclestage: 'lead' }, { email: 'b@example.com', lifecyclestage: 'lead' }]);
  ({ installationId } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullOnce(h.rt.jobs, installationId, 'p');
});
afterAll(async () => {
  await h.close();
});

describe('pull with search-index lag', () => {
  it('a change not yet searchable is picked up by the next pull', async () => {
    expect(Number(ids[0])).toBeGreaterThan(2 ** 31);
    frozenAt = Date.now() + skew;
    h.sandbox.updateContact(ids[0]!, { lifecyclestage: 'customer' });
    await pullOnce(h.rt.jobs, installationId, 'too-soon');
    frozenAt = undefined;
    const stage = async () =>
      (await h.rt.store.db.select().from(crmRecords).where(and(eq(crmRecords.installationId, installationId), eq(crmRecords.crmId, ids[0]!))))[0]!.lifecycleStage;
    expect(await stage()).toBe('lead'); // not in the index yet
    skew += LAG_MS;
    await pullOnce(h.rt.jobs, installationId, 'later');
    expect(await stage()).toBe('customer');
    const [run] = await listRuns(h.rt.store.db, installationId, 'pull');
    expect(run!.counts).toMatchObject({ changed: 1, scoreQueued: 1 });
  });
});
