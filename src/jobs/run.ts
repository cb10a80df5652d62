/** Wraps a job handler so each attempt is recorded in run history with its counts or error. */
import { errorForLog } from '../logger.ts';
import { finishRun, markAbandoned, startRun, type RunKind } from '../store/runs.ts';
import type { JobContext } from './context.ts';

export interface RunOutcome {
  counts: Record<string, number>;
  errors?: { recordId?: string; message: string }[];
}

export async function recordRun(
  ctx: JobContext,
  kind: RunKind,
  installationId: string,
  jobId: string | undefined,
  body: () => Promise<RunOutcome>,
): Promise<RunOutcome> {
  const runId = await startRun(ctx.db, installationId, kind, jobId);
  // This job is running again: an earlier attempt still "running" died with its worker.
  if (jobId) await markAbandoned(ctx.db, { jobIds: [jobId], except: runId });
  try {
    const outcome = await body();
    await finishRun(ctx.db, runId, { status: 'succeeded', ...outcome });
    ctx.logger.info({ kind, installationId, jobId, counts: outcome.counts }, `${kind} run succeeded`);
    return outcome;
  } catch (err) {
    // A failed query's message holds its parameters (emails, ids); run history and logs outlive erasure.
    const message = errorForLog(err).message;
    await finishRun(ctx.db, runId, { status: 'failed', errors: [{ message }] });
    ctx.logger.warn({ kind, installationId, jobId, error: message }, `${kind} run failed`);
    throw err;
  }
}
