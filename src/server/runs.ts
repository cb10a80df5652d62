/**
 * Run history and sync health for the caller's installation (API key): GET /api/v1/runs,
 * GET /api/v1/runs/:id and GET /api/v1/stats/daily. Another installation's run is a 404,
 * never a 403, so ids reveal nothing across tenants.
 */
import { Router } from 'express';
import { z } from 'zod';
import { getRun, listRunsPage, type RunKind } from '../store/runs.ts';
import { enqueue } from '../jobs/queues.ts';
import { RETRYABLE_KINDS } from '../jobs/retry-run.ts';
import { dailyStats } from '../store/request-stats.ts';
import { apiKeyAuth } from './api-key-auth.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';

/** Every kind src/store/runs.ts records (`import` is `sway import`; `match` the match job). */
const RUN_KINDS = ['provision', 'pull', 'score', 'match', 'push', 'webhook', 'import'] as const satisfies readonly RunKind[];

const ListQuery = z.strictObject({
  kind: z.enum(RUN_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});

const present = (r: NonNullable<Awaited<ReturnType<typeof getRun>>>, withErrors: boolean) => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  counts: r.counts,
  startedAt: r.startedAt,
  finishedAt: r.finishedAt,
  durationMs: r.durationMs,
  errorCount: r.errors.length,
  ...(withErrors ? { errors: r.errors } : {}),
});

export function runsRoutes(ctx: AppContext): Router {
  const router = Router();
  const auth = apiKeyAuth(ctx.db);

  router.get('/api/v1/runs', auth, async (req, res) => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) {
      throw new HttpError(400, 'INVALID_QUERY', 'bad query parameters', q.error.issues.map((i) => ({ path: ['query', ...i.path].join('.'), message: i.message })));
    }
    const runs = await listRunsPage(ctx.db, res.locals.installationId as string, { kind: q.data.kind, limit: q.data.limit, before: q.data.before ? new Date(q.data.before) : undefined });
    res.json({ runs: runs.map((r) => present(r, false)) });
  });

  router.get('/api/v1/runs/:id', auth, async (req, res) => {
    const id = String(req.params.id);
    const run = z.uuid().safeParse(id).success ? await getRun(ctx.db, res.locals.installationId as string, id) : null;
    if (!run) throw new HttpError(404, 'NOT_FOUND', `no run ${id} for this installation`);
    res.json(present(run, true));
  });

  // Runs a kind again now (a failed or abandoned sync): joins the installation's waiting job of
  // that kind, or leaves one follow-up behind a running one (src/jobs/queues.ts).
  router.post('/api/v1/runs/:kind/retry', auth, async (req, res) => {
    const kind = z.enum(RETRYABLE_KINDS).safeParse(req.params.kind);
    if (!kind.success) throw new HttpError(400, 'INVALID_KIND', 'this kind of run cannot be retried', [{ path: 'params.kind', message: `must be one of ${RETRYABLE_KINDS.join(', ')}` }]);
    const jobId = await enqueue(ctx.queues, kind.data, res.locals.installationId as string, `retry-${Date.now().toString(36)}`);
    res.status(202).json({ kind: kind.data, jobId });
  });

  router.get('/api/v1/stats/daily', auth, async (_req, res) => {
    res.json({ days: await dailyStats(ctx.db, res.locals.installationId as string) });
  });
  return router;
}
