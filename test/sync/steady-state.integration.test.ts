/**
 * Write churn (issue 10, item 7): with nothing new, a sync cycle makes no CRM writes and reads
 * no contact again. Sway's own writes bump HubSpot's lastmodifieddate: the next pull sees those
 * contacts once, finds nothing it reads changed, and queues no rescoring or push; an unchanged
 * match keeps its matched time, so a recompute pushes nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullMatchRun } from '../../src/jobs/match-run.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullOnce } from '../../src/jobs/pull.ts';
import { pushJob } from '../../src/jobs/push.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { listRuns } from '../../src/store/runs.ts';
import { rows } from '../helpers/api.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let ids: string[];
const N = 30;
const writes = () => requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/objects\/contacts\/batch\/update$/).length;
const lastPull = async () => (await listRuns(h.rt.store.db, installationId, 'pull'))[0]!;
const scoreJobs = async () => (await h.rt.queues.score.getJobs(['waiting', 'delayed', 'active'])).length;
// Moves the clock past the last write so a zero-overlap window cannot catch it (no assertion on time).
const tick = () => new Promise((r) => setTimeout(r, 5));

beforeAll(async () => {
  h = await startHarness();
  ids = h.sandbox.seedContacts(Array.from({ length: N }, (_, i) => ({ email: `s${i}@example.com`, lifecyclestage: i % 3 ? 'lead' : 'opportunity' })));
  let apiKey: string;
  ({ installationId, apiKey } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullOnce(h.rt.jobs, installationId, 'p');
  const people = Array.from({ length: N }, (_, i) => ({ id: `p${i}`, name: `P${i}`, emails: [`s${i}@example.com`], audienceSize: 100 + i }));
  const interactions = Array.from({ length: N }, (_, i) => ({
    externalId: `e${i}`, from: `p${i}`, to: `p${(i + 1) % N}`, kind: 'reply', topics: ['crm'], occurredAt: new Date(Date.now() - (i + 1) * 3600_000).toISOString(),
  }));
  const res = await fetch(`${h.rt.url}/api/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ people, interactions }),
  });
  expect(res.status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 's');
  await fullMatchRun(h.rt.store.db, installationId);
  await pushJob(h.rt.jobs, installationId, 'push-1');
  for (const q of Object.values(h.rt.queues)) await q.drain(true);
});
afterAll(async () => {
  await h.close();
});

describe('steady state', () => {
  it('the first push wrote every linked contact', () => {
    expect(writes()).toBeGreaterThan(0);
    expect(h.sandbox.getContact(ids[0]!)!.properties.sway_matched_at).toBeTruthy();
  });

  it('a pull that sees only Sway’s own writes stores nothing as changed and queues no rescoring', async () => {
    await tick();
    const before = writes();
    await pullOnce(h.rt.jobs, installationId, 'steady-1', { overlapMs: 0 });
    const run = await lastPull();
    expect(run.counts.read).toBe(N); // every contact Sway wrote, once
    expect(run.counts).toMatchObject({ changed: 0, scoreQueued: 0 });
    expect(await scoreJobs()).toBe(0);
    expect(writes()).toBe(before);
  });

  it('a later recompute with the same matches keeps their time, and the push writes nothing', async () => {
    const times = async () => rows<{ person_id: string; computed_at: string }>(h, sql`SELECT person_id, computed_at::text FROM matches WHERE installation_id = ${installationId} ORDER BY person_id, rank`);
    const first = await times();
    expect(first.length).toBeGreaterThan(0);
    await fullMatchRun(h.rt.store.db, installationId, { now: new Date(Date.now() + 60_000) });
    expect(await times()).toEqual(first);
    const before = writes();
    await pushJob(h.rt.jobs, installationId, 'push-2');
    expect(writes()).toBe(before);
    const [push] = await listRuns(h.rt.store.db, installationId, 'push');
    expect(push!.counts).toMatchObject({ changed: 0, written: 0, calls: 0 });
  });

  it('with nothing new, cycles read no contact again and write nothing', async () => {
    const before = writes();
    for (const cycle of ['steady-2', 'steady-3']) {
      await tick();
      await pullOnce(h.rt.jobs, installationId, cycle, { overlapMs: 0 });
      expect((await lastPull()).counts).toMatchObject({ read: 0, reread: 0, changed: 0, scoreQueued: 0 });
    }
    expect(writes()).toBe(before);
  });

  it('a contact re-read in the overlap is counted as a re-read, not a change', async () => {
    await pullOnce(h.rt.jobs, installationId, 'overlap', { overlapMs: 3600_000 });
    expect((await lastPull()).counts).toMatchObject({ read: N, reread: N, changed: 0, scoreQueued: 0 });
  });

  it('a real change in HubSpot is read, counted and rescored', async () => {
    await tick();
    h.sandbox.updateContact(ids[1]!, { lifecyclestage: 'customer' });
    await pullOnce(h.rt.jobs, installationId, 'change', { overlapMs: 0 });
    expect((await lastPull()).counts).toMatchObject({ read: 1, changed: 1, scoreQueued: 1 });
    expect(await scoreJobs()).toBe(1);
  });
});
