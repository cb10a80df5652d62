/**
 * Issue 17 items 5 and 7: what every start re-asserts. Pull schedules come back after Redis
 * lost them (idempotently: an unchanged schedule is left as it is), and runs left "running" by
 * a killed worker or import become "abandoned" once their job or process is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reassertSchedules, sweepAbandonedRuns } from '../../src/jobs/startup.ts';
import { listRuns, processJobId, startRun } from '../../src/store/runs.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
const EVERY = 15 * 60_000;
beforeAll(async () => {
  h = await startHarness();
  ({ installationId } = await h.install());
});
afterAll(async () => {
  await h.close();
});

describe('start-up re-assertion', () => {
  it('brings back a pull schedule Redis lost, and a second start changes nothing', async () => {
    const id = `pull-schedule-${installationId}`;
    await h.rt.queues.pull.removeJobScheduler(id); // Redis restarted without persistence
    expect(await h.rt.queues.pull.getJobScheduler(id)).toBeFalsy();
    expect(await reassertSchedules(h.rt.store.db, h.rt.queues, EVERY)).toBe(1);
    const first = await h.rt.queues.pull.getJobScheduler(id);
    expect(first).toMatchObject({ every: EVERY });
    // The first scheduled pull is an interval away (the install's own pull reads everything now).
    expect(first!.next!).toBeGreaterThan(Date.now() + EVERY / 2);
    await reassertSchedules(h.rt.store.db, h.rt.queues, EVERY);
    expect(await h.rt.queues.pull.getJobScheduler(id)).toEqual(first);
    expect((await h.rt.queues.pull.getJobSchedulers()).length).toBe(1);
  });

  it('marks runs abandoned when their job is gone or their import process is dead, and leaves live ones', async () => {
    const db = h.rt.store.db;
    await startRun(db, installationId, 'push', 'push-gone-1'); // its job no longer exists
    await startRun(db, installationId, 'import', processJobId(2 ** 22 + 12345)); // no such pid
    await startRun(db, installationId, 'import', processJobId()); // this process: alive
    const job = await h.rt.queues.pull.add('pull', { installationId }, { jobId: 'pull-waiting-1', delay: 3600_000 });
    await startRun(db, installationId, 'pull', job.id!); // its job waits to run again: this run is over
    expect(await sweepAbandonedRuns(db, h.rt.queues)).toBe(3);
    const runs = await listRuns(db, installationId);
    const status = (jobId: string) => runs.find((r) => r.jobId === jobId)?.status;
    expect(status('push-gone-1')).toBe('abandoned');
    expect(status(processJobId(2 ** 22 + 12345))).toBe('abandoned');
    expect(status('pull-waiting-1')).toBe('abandoned');
    expect(status(processJobId())).toBe('running');
    await job.remove();
  });
});
