/** Job run history: one row per provision/pull/score/push run with counts and per-record errors. */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from './db.ts';
import { runs } from './schema.ts';

export type RunKind = 'provision' | 'pull' | 'score' | 'match' | 'push' | 'webhook' | 'import';
export type Run = typeof runs.$inferSelect;

export async function startRun(db: Db, installationId: string, kind: RunKind, jobId?: string): Promise<string> {
  const id = randomUUID();
  await db.insert(runs).values({ id, installationId, kind, jobId, status: 'running' });
  return id;
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
