/** Job run history: one row per provision/pull/score/push run with counts and per-record errors. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, desc, eq, inArray, like, lt, ne } from 'drizzle-orm';
import type { Db } from './db.ts';
import { runs } from './schema.ts';

export type RunKind = 'provision' | 'pull' | 'score' | 'match' | 'push' | 'webhook' | 'import' | 'measure';
export type Run = typeof runs.$inferSelect;

/**
 * A run outside the queue (`sway import`) is tied to its process instead of a job id, so a
 * killed import can be told from a running one (markAbandonedProcesses).
 */
export const processJobId = (pid = process.pid, host = hostname()) => `process:${host}:${pid}`;

export async function startRun(db: Db, installationId: string, kind: RunKind, jobId: string = processJobId()): Promise<string> {
  const id = randomUUID();
  await db.insert(runs).values({ id, installationId, kind, jobId, status: 'running' });
  return id;
}

/**
 * Runs still "running" that no live process will finish become "abandoned" (issue 17: killed
 * jobs and imports stayed "running" forever). `except` keeps the caller's own new run.
 */
export async function markAbandoned(db: Db, where: { jobIds: string[]; except?: string }): Promise<number> {
  if (where.jobIds.length === 0) return 0;
  const conds = [eq(runs.status, 'running'), inArray(runs.jobId, where.jobIds)];
  if (where.except) conds.push(ne(runs.id, where.except));
  const done = await db
    .update(runs)
    .set({ status: 'abandoned', finishedAt: new Date(), errors: [{ message: 'the process running this was stopped before it finished; its job was run again or is gone' }] })
    .where(and(...conds))
    .returning({ id: runs.id });
  return done.length;
}

/** True when this job already has a run that did not succeed (still "running", failed or abandoned). */
export async function hasUnfinishedRun(db: Db, kind: RunKind, jobId: string): Promise<boolean> {
  const [row] = await db.select({ id: runs.id }).from(runs).where(and(eq(runs.kind, kind), eq(runs.jobId, jobId), ne(runs.status, 'succeeded'))).limit(1);
  return !!row;
}

/** Job ids of every "running" run (all installations), to check against the queue. */
export async function runningJobIds(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ jobId: runs.jobId }).from(runs).where(eq(runs.status, 'running'));
  return rows.map((r) => r.jobId).filter((j): j is string => !!j);
}

/** Imports of this host whose process is gone. */
export async function markAbandonedProcesses(db: Db, host = hostname()): Promise<number> {
  const rows = await db.selectDistinct({ jobId: runs.jobId }).from(runs).where(and(eq(runs.status, 'running'), like(runs.jobId, `process:${host}:%`)));
  const dead = rows.map((r) => r.jobId!).filter((j) => !processAlive(Number(j.split(':').pop())));
  return markAbandoned(db, { jobIds: dead });
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function finishRun(
  db: Db,
  id: string,
  outcome: { status: 'succeeded' | 'failed'; counts?: Record<string, number>; errors?: { recordId?: string; message: string }[] },
): Promise<void> {
  const [row] = await db.select({ startedAt: runs.startedAt }).from(runs).where(eq(runs.id, id));
  const finishedAt = new Date();
  await db
    .update(runs)
    .set({
      status: outcome.status,
      counts: outcome.counts ?? {},
      // Bounded: a run with thousands of bad records keeps the first 1,000 reasons.
      errors: (outcome.errors ?? []).slice(0, 1000),
      finishedAt,
      durationMs: row ? finishedAt.getTime() - row.startedAt.getTime() : null,
    })
    .where(eq(runs.id, id));
}

export async function listRuns(db: Db, installationId: string, kind?: RunKind): Promise<Run[]> {
  const where = kind ? and(eq(runs.installationId, installationId), eq(runs.kind, kind)) : eq(runs.installationId, installationId);
  return db.select().from(runs).where(where).orderBy(desc(runs.startedAt));
}

/** One installation's runs, newest first, for the API. */
export async function listRunsPage(db: Db, installationId: string, opts: { kind?: string; limit: number; before?: Date }): Promise<Run[]> {
  const conds = [eq(runs.installationId, installationId)];
  if (opts.kind) conds.push(eq(runs.kind, opts.kind));
  if (opts.before) conds.push(lt(runs.startedAt, opts.before));
  return db.select().from(runs).where(and(...conds)).orderBy(desc(runs.startedAt)).limit(opts.limit);
}

/** A run, only if it belongs to this installation. */
export async function getRun(db: Db, installationId: string, id: string): Promise<Run | null> {
  const [row] = await db.select().from(runs).where(and(eq(runs.id, id), eq(runs.installationId, installationId)));
  return row ?? null;
}
