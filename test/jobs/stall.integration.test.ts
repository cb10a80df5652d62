/**
 * Issue 17 item 3: a job whose worker dies twice must still finish. BullMQ's default allows
 * one stall: the second crash failed the job for good ("job stalled more than allowable
 * limit") with its attempts unused. Here the provision job's worker is stopped dead twice
 * while the job waits on a CRM that does not answer, then a third worker finishes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConnection } from '../../src/jobs/queues.ts';
import { DEFAULT_JOB_SETTINGS, startWorkers, type Workers } from '../../src/jobs/workers.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
const started: Workers[] = [];
beforeAll(async () => {
  h = await startHarness();
  ({ installationId } = await h.install());
});
afterAll(async () => {
  h.sandbox.setFaults({});
  await Promise.all(started.map((w) => w.close(true)));
  await h.close();
});

// 2 s, not 500 ms: a worker that is alive but starved of CPU on a busy machine must renew its
// lock (every stallMs / 2) in time, or the last worker's run is found stalled again and again.
const settings = { ...DEFAULT_JOB_SETTINGS, stallMs: 2000 };
const worker = () => {
  const w = startWorkers(h.rt.jobs, redisConnection(h.rt.config.redis.url), h.rt.config.redis.prefix, 1, settings);
  started.push(w);
  return w;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a job whose worker dies twice', () => {
  it('is run a third time and finishes', async () => {
    const queue = h.rt.queues.provision;
    const job = (await queue.getJobs(['waiting', 'delayed']))[0]!; // queued by the install
    expect(job.data.installationId).toBe(installationId);
    h.sandbox.setFaults({ latencyMs: 25_000 }); // the CRM accepts and does not answer (yet)
    for (let crash = 0; crash < 2; crash++) {
      const w = worker();
      // Wait for this worker to take the job (its first CRM call then hangs), then kill it.
      while ((await job.getState()) !== 'active' || !(await queue.getJob(job.id!))?.processedOn || (await queue.getJob(job.id!))!.attemptsStarted <= crash) await sleep(50);
      await w.close(true);
    }
    h.sandbox.setFaults({});
    worker(); // finds the job stalled and runs it again
    while (!['completed', 'failed'].includes(await job.getState())) await sleep(100);
    const done = (await queue.getJob(job.id!))!;
    expect(await done.getState()).toBe('completed');
    expect(done.stalledCounter).toBeGreaterThanOrEqual(2);
  });
});
