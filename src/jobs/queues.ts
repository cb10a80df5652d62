/**
 * BullMQ queues: one per job kind so each can be scaled and rate-limited on its own.
 * Jobs carry an installation id and nothing else (never a token or a payload); job ids are
 * derived from what triggered them, so enqueueing the same trigger twice is a no-op.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { MAX_ATTEMPTS } from '../sync/retry.ts';

export const JOB_KINDS = ['provision', 'pull', 'score', 'match', 'match-partition', 'push', 'webhook'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobData {
  installationId: string;
  /** match-partition: the prospect person-id range [lo, hi] this partition scores. */
  range?: [number, number];
}

export type Queues = Record<JobKind, Queue<JobData>>;

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** BullMQ workers need maxRetriesPerRequest: null (blocking commands must not time out). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, enableOfflineQueue: true });
}

/** Fails fast, with the fix in the message, when Redis is not there. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const where = url.replace(/\/\/[^@/]*@/, '//***@');
    throw new RedisUnavailableError(
      `Redis is not reachable at ${where} (${(err as Error).message || 'connection failed'}): start one with ` +
        '`redis-server --daemonize yes --port 6379` or set REDIS_URL',
    );
  } finally {
    probe.disconnect();
  }
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const make = (kind: JobKind) =>
    new Queue<JobData>(kind, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: MAX_ATTEMPTS,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { count: 1000, age: 24 * 3600 },
        removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
      },
    });
  return Object.fromEntries(JOB_KINDS.map((k) => [k, make(k)])) as Queues;
}

/** BullMQ job ids may not contain ':'; keep ids readable and deterministic. */
export function jobId(kind: JobKind, installationId: string, trigger: string): string {
  return `${kind}-${installationId}-${trigger}`.replace(/:/g, '_');
}

export async function enqueue(queues: Queues, kind: JobKind, installationId: string, trigger: string): Promise<string> {
  const id = jobId(kind, installationId, trigger);
  await queues[kind].add(kind, { installationId }, { jobId: id });
  return id;
}

/**
 * Jobs not yet finished across all queues (the demo and tests wait for zero). A job
 * scheduler's next run (a delayed `repeat:` job, minutes away) is not pending work.
 */
export async function pendingJobs(queues: Queues): Promise<number> {
  let n = 0;
  for (const q of Object.values(queues)) {
    const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'delayed');
    n += (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0);
    if (c.delayed) n += (await q.getDelayed()).filter((j) => !j.id?.startsWith('repeat:')).length;
  }
  return n;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

/** Each installation's periodic incremental pull (a BullMQ job scheduler, one per installation). */
export async function schedulePull(queues: Queues, installationId: string, everyMs: number): Promise<void> {
  if (everyMs <= 0) return;
  await queues.pull.upsertJobScheduler(`pull-schedule-${installationId}`, { every: everyMs }, { name: 'pull', data: { installationId } });
}

export async function unschedulePull(queues: Queues, installationId: string): Promise<void> {
  await queues.pull.removeJobScheduler(`pull-schedule-${installationId}`);
}
