/**
 * BullMQ workers for every job kind. Failures go through decideRetry: permanent ones become
 * UnrecoverableError (no more attempts), rate limits move the job to delayed for the time
 * the CRM asked (without spending an attempt), transient ones use the queue's backoff
 * (src/sync/retry.ts backoffDelay: capped exponential spanning long outages).
 *
 * Crashes: a job whose worker died is noticed after JOB_STALL_MS and run again; it may stall
 * many times (maxStalledCount) before BullMQ gives up — issue 17 saw BullMQ's default of one
 * fail jobs for good on the second kill, their attempts unused.
 *
 * One at a time: pull, score, match and push hold a Redis lock per installation and kind while
 * they run (it expires JOB_STALL_MS after its holder died). A job that finds it held waits in
 * delayed without spending an attempt.
 * `close()` lets active jobs finish — what SIGTERM calls.
 */
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { backoffDelay, decideRetry, MAX_ATTEMPTS } from '../sync/retry.ts';
import { RedisLock } from '../sync/redis-lock.ts';
import type { JobSettings } from '../config.ts';
import type { JobContext } from './context.ts';
import { provisionJob } from './provision.ts';
import { pullJob } from './pull.ts';
import { matchJob, matchPartitionJob } from './match.ts';
import { measureJob } from './measure.ts';
import { BACKOFF_TYPE, COALESCED_KINDS, JOB_KINDS, type JobData, type JobKind } from './queues.ts';
import { pushJob } from './push.ts';
import { scoreJob } from './score.ts';
import { webhookJob } from './webhook.ts';

const HANDLERS: Record<JobKind, (ctx: JobContext, installationId: string, jobId: string, data: JobData) => Promise<void>> = {
  provision: provisionJob,
  pull: pullJob,
  score: (ctx, installationId, jobId) => scoreJob(ctx, installationId, jobId),
  match: matchJob,
  'match-partition': matchPartitionJob,
  push: pushJob,
  webhook: webhookJob,
  measure: measureJob,
};

/**
 * Stalls a job may survive: a worker killed (or starved of CPU past its lock) this often in one
 * job's life is an outage or an overloaded machine, not a poison job.
 */
export const MAX_STALLED = 50;

export interface Workers {
  /** `force`: stop at once, leaving active jobs to be found stalled and run again (a crash, in tests). */
  close(force?: boolean): Promise<void>;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = { attempts: MAX_ATTEMPTS, backoffMs: 5_000, backoffMaxMs: 600_000, stallMs: 30_000, scoreDebounceMs: 0 };

export function startWorkers(ctx: JobContext, connection: ConnectionOptions, prefix: string, concurrency = 2, settings: JobSettings = DEFAULT_JOB_SETTINGS): Workers {
  const policy = { baseMs: settings.backoffMs, maxMs: settings.backoffMaxMs };
  const lockRetryMs = Math.min(5_000, settings.stallMs);
  const workers = JOB_KINDS.map(
    (kind) =>
      new Worker<JobData>(
        kind,
        async (job: Job<JobData>, token?: string) => {
          const { installationId } = job.data;
          const run = () => HANDLERS[kind](ctx, installationId, job.id!, job.data);
          try {
            if (!COALESCED_KINDS.has(kind)) return await run();
            // Owner: this pickup of the job (id and BullMQ token). A job BullMQ thinks stalled while
            // its first run is still alive (an event loop blocked past the lock) must not run twice
            // at once; after a real crash the hold expires within JOB_STALL_MS.
            const lock = new RedisLock(ctx.access.redis, `${prefix}:run-lock:${kind}:${installationId}`, settings.stallMs, `${job.id}:${token}`);
            if (!(await lock.whileHeld(run))) {
              await job.moveToDelayed(Date.now() + lockRetryMs, token);
              throw new DelayedError();
            }
          } catch (err) {
            if (err instanceof DelayedError) throw err;
            const decision = decideRetry(err, job.attemptsMade + 1, job.opts.attempts ?? settings.attempts);
            if (decision.kind === 'permanent') throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
            if (decision.kind === 'delay') {
              await job.moveToDelayed(Date.now() + decision.ms, token);
              throw new DelayedError();
            }
            throw err;
          }
        },
        {
          connection,
          prefix,
          concurrency,
          lockDuration: settings.stallMs,
          stalledInterval: settings.stallMs,
          maxStalledCount: MAX_STALLED,
          settings: { backoffStrategy: (attemptsMade: number, type?: string) => (type === BACKOFF_TYPE ? backoffDelay(attemptsMade, policy) : -1) },
        },
      ),
  );
  for (const w of workers) w.on('error', (err) => ctx.logger.error({ error: err.message }, 'worker error'));
  return {
    async close(force = false) {
      await Promise.all(workers.map((w) => w.close(force)));
    },
  };
}
