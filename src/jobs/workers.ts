/**
 * BullMQ workers for every job kind. Failures go through decideRetry: permanent ones become
 * UnrecoverableError (no more attempts), rate limits move the job to delayed for the time
 * the CRM asked (without spending an attempt), transient ones use the queue's backoff.
 * `close()` lets active jobs finish — what SIGTERM calls.
 */
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { decideRetry } from '../sync/retry.ts';
import type { JobContext } from './context.ts';
import { provisionJob } from './provision.ts';
import { pullJob } from './pull.ts';
import { matchJob, matchPartitionJob } from './match.ts';
import { JOB_KINDS, type JobData, type JobKind } from './queues.ts';
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
};

export interface Workers {
  close(): Promise<void>;
}

export function startWorkers(ctx: JobContext, connection: ConnectionOptions, prefix: string, concurrency = 2): Workers {
  const workers = JOB_KINDS.map(
    (kind) =>
      new Worker<JobData>(
        kind,
        async (job: Job<JobData>, token?: string) => {
          try {
            await HANDLERS[kind](ctx, job.data.installationId, job.id!, job.data);
          } catch (err) {
            const decision = decideRetry(err, job.attemptsMade + 1);
            if (decision.kind === 'permanent') throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
            if (decision.kind === 'delay') {
              await job.moveToDelayed(Date.now() + decision.ms, token);
              throw new DelayedError();
            }
            throw err;
          }
        },
        { connection, prefix, concurrency },
      ),
  );
  for (const w of workers) w.on('error', (err) => ctx.logger.error({ error: err.message }, 'worker error'));
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
