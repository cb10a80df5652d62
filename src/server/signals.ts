/**
 * POST /api/v1/signals: people and interactions for the caller's installation. The batch is
 * validated whole (zod, then references and ownership against the store) and stored whole or
 * not at all; then a score job is enqueued. 202: the scores follow asynchronously.
 */
import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { formatIssues, MAX_SIGNALS_PER_BATCH } from '../domain/signals.ts';
import { parseSignalsBatch } from '../domain/signals-fast.ts';
import { enqueue } from '../jobs/queues.ts';
import { PersonIdCaches } from '../store/person-id-cache.ts';
import { IngestRejected, storeSignals } from '../store/signals.ts';
import { apiKeyAuth } from './api-key-auth.ts';
import type { AppContext } from './context.ts';
import { HttpError } from './http-errors.ts';
import { MAX_JSON_DEPTH, tooDeepAt } from './json-depth.ts';

export const MAX_BODY = '5mb';

export function signalsRoutes(ctx: AppContext): Router {
  const router = Router();
  // Person ids resolved by earlier batches, per installation; safe across processes (person-id-cache.ts).
  const personIds = new PersonIdCaches();
  // The key is checked before a byte of the body is read: without one, a caller cannot make us
  // read, scan or parse 5 MB (issue 10, item 1). The depth scan runs on the raw bytes before
  // JSON.parse (json-depth.ts).
  router.post('/api/v1/signals', apiKeyAuth(ctx.db), express.json({ limit: MAX_BODY, strict: false, verify: checkDepth }), async (req, res) => {
    const installationId = res.locals.installationId as string;
    const items = countItems(req.body);
    if (items > MAX_SIGNALS_PER_BATCH) {
      throw new HttpError(413, 'BATCH_TOO_LARGE', `a batch holds at most ${MAX_SIGNALS_PER_BATCH} items (people + interactions + conversations + scores); this one has ${items}`);
    }
    const parsed = parseSignalsBatch(req.body);
    if (!parsed.success) {
      const issues = formatIssues(parsed.error);
      throw new HttpError(400, 'INVALID_SIGNALS', `the batch was rejected: ${issues.length} problem(s); nothing was stored`, issues);
    }
    let result;
    try {
      result = await storeSignals(ctx.db, installationId, parsed.data, { personIds: personIds.for(installationId) });
    } catch (err) {
      if (err instanceof IngestRejected) {
        throw new HttpError(400, 'INVALID_SIGNALS', `the batch was rejected: ${err.issues.length} problem(s); nothing was stored`, err.issues);
      }
      throw err;
    }
    const scoreJobId = await enqueue(ctx.queues, 'score', installationId, `ingest-${randomUUID()}`);
    res.status(202).json({ ...result, scoreJobId });
  });
  return router;
}

/** Items in a body that may not be valid yet, in all four lists: the size check comes before validation. */
function countItems(body: unknown): number {
  if (!body || typeof body !== 'object') return 0;
  const b = body as Record<string, unknown>;
  return ['people', 'interactions', 'conversations', 'scores'].reduce((n, k) => n + (Array.isArray(b[k]) ? (b[k] as unknown[]).length : 0), 0);
}

/**
 * express.json's `verify` hook: runs on the raw bytes before JSON.parse. The scan reads bytes
 * as UTF-8, so other charsets (body-parser accepts any `utf-*`) are refused here.
 */
export function checkDepth(_req: unknown, _res: unknown, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace('-', '') !== 'utf8') {
    throw new HttpError(415, 'UNSUPPORTED_CHARSET', `send JSON as UTF-8 (got charset ${encoding})`);
  }
  const at = tooDeepAt(buf);
  if (at !== null) {
    throw new HttpError(400, 'TOO_DEEP', `the body is nested more than ${MAX_JSON_DEPTH} levels deep; nothing was stored`, [
      { path: at, message: `Nested more than ${MAX_JSON_DEPTH} levels deep` },
    ]);
  }
}
