/**
 * BullMQ queues: one per job kind so each can be scaled and rate-limited on its own.
 * Jobs carry an installation id and nothing else (never a token or a payload).
 *
 * Pull, score, match and push are coalesced per installation (issue 17: 13 ingest requests
 * started 14 pushes): BullMQ deduplication by `<kind>-<installation>` with keepLastIfActive
 * keeps at most one job of a kind per installation running and one waiting — a trigger while
 * one waits is already covered by it; a trigger while one runs leaves exactly one follow-up,
 * created when the running one finishes (it may have read the store before the trigger's data
 * arrived). Score jobs are debounced (SCORE_DEBOUNCE_MS): a burst of ingest batches starts one
 * score → match → push chain. Provision, webhook and match partitions keep ids derived from
 * their trigger, so enqueueing the same trigger twice is a no-op. The workers also hold a
 * Redis lock per installation and kind (src/jobs/workers.ts), for jobs added by other paths
 * (a partitioned match's push).
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { UserFacingError } from '../domain/errors.ts';
import { MAX_ATTEMPTS } from '../sync/retry.ts';

export const JOB_KINDS = ['provision', 'pull', 'score', 'match', 'match-partition', 'push', 'webhook', 'measure'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobData {
  installationId: string;
  /** match-partition: the prospect person-id range [lo, hi] this partition scores. */
  range?: [number, number];
  /** measure: the campaign (src/jobs/measure.ts). */
  campaignId?: string;
}

export type Queues = Record<JobKind, Queue<JobData>>;

export class RedisUnavailableError extends UserFacingError {
  override name = 'RedisUnavailableError';
  constructor(message: string) {
    super('REDIS_UNAVAILABLE', message);
  }
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

/** Kinds that run one at a time per installation, with one follow-up queued. */
export const COALESCED_KINDS: ReadonlySet<JobKind> = new Set(['pull', 'score', 'match', 'push']);
/** The backoff type the workers' backoffStrategy serves (src/sync/retry.ts backoffDelay). */
export const BACKOFF_TYPE = 'sway';

export interface QueueOptions {
  attempts?: number;
  /** Score jobs wait this long for more triggers (ms). */
  scoreDebounceMs?: number;
}

export function createQueues(connection: ConnectionOptions, prefix: string, options: QueueOptions = {}): Queues {
  const make = (kind: JobKind) =>
    new Queue<JobData>(kind, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: options.attempts ?? MAX_ATTEMPTS,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: { count: 1000, age: 24 * 3600 },
        removeOnFail: { count: 5000, age: 7 * 24 * 3600 },
      },
    });
  const queues = Object.fromEntries(JOB_KINDS.map((k) => [k, make(k)])) as Queues;
  debounce.set(queues, options.scoreDebounceMs ?? 0);
  return queues;
}

const debounce = new WeakMap<Queues, number>();

/** BullMQ job ids may not contain ':'; keep ids readable and deterministic. */
export function jobId(kind: JobKind, installationId: string, trigger: string): string {
  return `${kind}-${installationId}-${trigger}`.replace(/:/g, '_');
}

/** A measure job's id: one per campaign and trigger (the same trigger twice is one job). */
export function measureJobId(campaignId: string, trigger: string): string {
  return `measure-${campaignId}-${trigger}`.replace(/:/g, '_');
}

/** The deduplication id of a coalesced kind: one per installation and kind. */
export const coalesceId = (kind: JobKind, installationId: string) => `${kind}-${installationId}`;

/**
 * Queues a job. Coalesced kinds (COALESCED_KINDS) join the one waiting job of their
 * installation, or leave one follow-up behind a running one; the answer is the id of the job
 * that will do the work. Other kinds get an id from the trigger (a repeated trigger is a no-op).
 */
export async function enqueue(queues: Queues, kind: JobKind, installationId: string, trigger: string): Promise<string> {
  if (!COALESCED_KINDS.has(kind)) {
    const id = jobId(kind, installationId, trigger);
    await queues[kind].add(kind, { installationId }, { jobId: id });
    return id;
  }
  const delay = kind === 'score' ? (debounce.get(queues) ?? 0) : 0;
  const opts: JobsOptions = {
    // From the trigger, as for other kinds: a job retried after a crash re-queues nothing new.
    jobId: jobId(kind, installationId, trigger),
    // keepLastIfActive: one running + one waiting. A delayed (debounced) score is replaced by the
    // newest trigger, which restarts its delay (a score waiting to retry is replaced too: the new
    // job does the same whole-installation work).
    deduplication: { id: coalesceId(kind, installationId), keepLastIfActive: true, ...(delay > 0 ? { replace: true, extend: true, ttl: delay } : {}) },
    ...(delay > 0 ? { delay } : {}),
  };
  const job = await queues[kind].add(kind, { installationId }, opts);
  return job.id ?? opts.jobId!;
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

/**
 * Each installation's periodic incremental pull (a BullMQ job scheduler, one per installation).
 * Idempotent: upserting the same schedule again changes nothing, so every start re-asserts all
 * of them (src/runtime.ts) and a Redis that lost its data gets them back. The first run is one
 * interval away: right after install the provision job's own pull reads everything, and two full
 * contact pulls must not run at once.
 */
export async function schedulePull(queues: Queues, installationId: string, everyMs: number): Promise<void> {
  if (everyMs <= 0) return;
  const id = `pull-schedule-${installationId}`;
  const existing = await queues.pull.getJobScheduler(id);
  if (existing && Number(existing.every) === everyMs) return;
  await queues.pull.upsertJobScheduler(id, { every: everyMs, startDate: Date.now() + everyMs }, { name: 'pull', data: { installationId } });
}

export async function unschedulePull(queues: Queues, installationId: string): Promise<void> {
  await queues.pull.removeJobScheduler(`pull-schedule-${installationId}`);
}
