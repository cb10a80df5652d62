/**
 * What every start of Sway re-asserts (src/runtime.ts calls it), because Redis may have lost
 * its data (a restart without persistence, a failover) and processes may have been killed:
 *
 * - each active installation's pull schedule (idempotent: an unchanged schedule is left alone);
 * - run history: runs left "running" by a killed worker or import become "abandoned" when
 *   their job is gone or no longer active, or their process no longer exists.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { markAbandoned, markAbandonedProcesses, runningJobIds } from '../store/runs.ts';
import { installations } from '../store/schema.ts';
import { schedulePull, type Queues } from './queues.ts';

export async function reassertSchedules(db: Db, queues: Queues, pullEveryMs: number): Promise<number> {
  if (pullEveryMs <= 0) return 0;
  const active = await db.select({ id: installations.id }).from(installations).where(eq(installations.status, 'active'));
  for (const { id } of active) await schedulePull(queues, id, pullEveryMs);
  return active.length;
}

/** Marks runs whose job no live worker holds (and dead imports of this host) abandoned. */
export async function sweepAbandonedRuns(db: Db, queues: Queues): Promise<number> {
  const gone: string[] = [];
  for (const id of await runningJobIds(db)) {
    if (id.startsWith('process:')) continue;
    let state: string | undefined;
    for (const q of Object.values(queues)) {
      const job = await q.getJob(id);
      if (job) {
        state = await job.getState();
        break;
      }
    }
    // Active: a live worker runs it, or a dead one did and the stall check will run it again
    // (recordRun then marks the old run). Anything else: nobody will finish that run.
    if (state !== 'active') gone.push(id);
  }
  return (await markAbandoned(db, { jobIds: gone })) + (await markAbandonedProcesses(db));
}
