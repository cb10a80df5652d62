/**
 * Issue 17, item 1: a full match run that dies after ranking (its snapshot computed) and before
 * its matches are written must not leave the installation without matches: the snapshot and
 * the matches become visible together, so the retry runs full again and writes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullMatchRun } from '../../src/jobs/match-run.ts';
import { matchJob } from '../../src/jobs/match.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { countMatchedProspects, snapshotTime } from '../../src/store/matches.ts';
import { listRuns } from '../../src/store/runs.ts';
import { apiClient } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

beforeAll(async () => {
  h = await startHarness();
  h.sandbox.seedContacts(Array.from({ length: 8 }, (_, i) => ({ email: `p${i}@example.com`, lifecyclestage: i % 2 ? 'lead' : 'opportunity' })));
  let apiKey: string;
  ({ installationId, apiKey } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullJob(h.rt.jobs, installationId, 'p');
  const people = Array.from({ length: 8 }, (_, i) => ({ id: `p${i}`, name: `P${i}`, emails: [`p${i}@example.com`], audienceSize: 100 * (i + 1), topics: ['crm'] }));
  const interactions = Array.from({ length: 24 }, (_, k) => ({ externalId: `i${k}`, from: `p${k % 8}`, to: `p${(k * 3 + 1) % 8}`, kind: 'reply', topics: ['crm'], occurredAt: ago(1 + (k % 5)) }));
  expect((await apiClient(h, apiKey)('POST', '/api/v1/signals', { people, interactions })).status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 's');
});
afterAll(async () => {
  await h.close();
});

describe('a full match run killed before its matches are written', () => {
  it('leaves no snapshot behind, and the next match job runs full and writes every prospect', async () => {
    // The "kill": the run throws once scoring starts — after ranking, before the write.
    const crash = fullMatchRun(h.rt.store.db, installationId, {
      onProgress: (phase) => {
        if (phase === 'score') throw new Error('killed');
      },
    });
    await expect(crash).rejects.toThrow('killed');
    expect(await snapshotTime(h.rt.store.db, installationId)).toBeNull();
    expect(await countMatchedProspects(h.rt.store.db, installationId)).toBe(0);

    await matchJob(h.rt.jobs, installationId, 'm-retry');
    const [run] = await listRuns(h.rt.store.db, installationId, 'match');
    expect(run!.counts).toMatchObject({ full: 1, prospects: 8 });
    expect(await countMatchedProspects(h.rt.store.db, installationId)).toBe(8);
    expect(await snapshotTime(h.rt.store.db, installationId)).not.toBeNull();
  });

  it('a match job that ran before without finishing runs full, even with a fresh snapshot', async () => {
    // A first attempt of job m-2 left a "running" run (its worker was killed).
    const { startRun } = await import('../../src/store/runs.ts');
    await startRun(h.rt.store.db, installationId, 'match', 'm-2');
    await matchJob(h.rt.jobs, installationId, 'm-2');
    const runs = await listRuns(h.rt.store.db, installationId, 'match');
    expect(runs[0]!.counts).toMatchObject({ full: 1 });
    expect(runs.find((r) => r.jobId === 'm-2' && r.status === 'abandoned')).toBeTruthy();
  });
});
