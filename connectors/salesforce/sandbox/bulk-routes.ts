// Bulk API 2.0 ingest endpoints under /jobs/ingest: create (Open), PUT CSV batches while Open
// (201), PATCH state UploadComplete or Aborted, GET the job (which moves it along, see
// bulk-jobs.ts), the three result sets as CSV, and DELETE.
import express, { type Request, type Response, Router } from 'express';
import { advance, type BulkJob, jobInfo, OPERATIONS, type Operation, resultCsv } from './bulk-jobs.ts';
import { notFound, restError } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { SandboxState } from './state.ts';

const invalidJobState = (message: string) => restError(409, 'INVALIDJOBSTATE', message);
const badRequest = (message: string) => restError(400, 'INVALIDJOB', message);

export function bulkRouter(state: SandboxState): Router {
  const router = Router();
  const jobOf = (req: Request): BulkJob => {
    const id = normalizeId(String(req.params.id));
    const job = id ? state.jobs.get(id) : undefined;
    if (!job) throw notFound();
    return job;
  };

  router.post('/jobs/ingest', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const object = typeof body.object === 'string' ? state.object(body.object) : undefined;
    if (!object) throw restError(400, 'INVALIDENTITY', `Entity '${String(body.object)}' is not supported by the Bulk API.`);
    if (!OPERATIONS.includes(body.operation as Operation)) throw badRequest(`InvalidJob : Invalid operation: ${String(body.operation)}`);
    if ((body.contentType ?? 'CSV') !== 'CSV') throw badRequest('InvalidJob : contentType must be CSV');
    if ((body.columnDelimiter ?? 'COMMA') !== 'COMMA') throw badRequest('InvalidJob : only COMMA column delimiters are served by the sandbox');
    const lineEnding = body.lineEnding ?? 'LF';
    if (lineEnding !== 'LF' && lineEnding !== 'CRLF') throw badRequest(`InvalidJob : Invalid lineEnding: ${String(lineEnding)}`);
    const job: BulkJob = {
      id: state.nextId('750'), object, operation: body.operation as Operation, lineEnding, state: 'Open',
      createdAt: state.now(), modifiedAt: state.now(), uploads: [], polls: 0, processed: 0, failed: 0,
    };
    if (job.operation === 'upsert') {
      const key = typeof body.externalIdFieldName === 'string' ? state.visibleField(object, body.externalIdFieldName) : undefined;
      if (!key) throw badRequest(`InvalidJob : External ID was blank or invalid for ${object.name}: ${String(body.externalIdFieldName)}`);
      job.externalIdFieldName = key.name;
    }
    state.jobs.set(job.id, job);
    res.json(jobInfo(state, job, false));
  });

  router.put('/jobs/ingest/:id/batches', express.text({ type: () => true, limit: '150mb' }), (req: Request, res: Response) => {
    const job = jobOf(req);
    if (!/^text\/csv\b/i.test(req.headers['content-type'] ?? '')) throw restError(400, 'INVALIDCONTENTTYPE', 'Content-Type must be text/csv');
    if (job.state !== 'Open') throw invalidJobState(`Unable to upload data to a job in state ${job.state}`);
    job.uploads.push(typeof req.body === 'string' ? req.body : '');
    job.modifiedAt = state.now();
    res.status(201).end();
  });

  router.patch('/jobs/ingest/:id', (req: Request, res: Response) => {
    const job = jobOf(req);
    const wanted = (req.body as { state?: unknown } | undefined)?.state;
    if (wanted === 'UploadComplete') {
      if (job.state !== 'Open') throw invalidJobState(`Job in state ${job.state} cannot be closed`);
      if (job.uploads.length === 0) throw invalidJobState('Job has no data uploaded');
      job.state = 'UploadComplete';
    } else if (wanted === 'Aborted') {
      if (!['Open', 'UploadComplete', 'InProgress'].includes(job.state)) throw invalidJobState(`Job in state ${job.state} cannot be aborted`);
      job.state = 'Aborted';
    } else {
      throw badRequest(`InvalidJob : Invalid state: ${String(wanted)}`);
    }
    job.modifiedAt = state.now();
    res.json(jobInfo(state, job, false));
  });

  router.get('/jobs/ingest/:id', (req: Request, res: Response) => {
    const job = jobOf(req);
    advance(state, job);
    res.json(jobInfo(state, job));
  });

  const results = (kind: 'successful' | 'failed' | 'unprocessed') => (req: Request, res: Response) => {
    const job = jobOf(req);
    const finished = job.state === 'JobComplete' || (kind === 'unprocessed' && (job.state === 'Failed' || job.state === 'Aborted'));
    if (!finished) throw invalidJobState(`Results are not available for a job in state ${job.state}`);
    res.type('text/csv').send(resultCsv(job, kind));
  };
  router.get('/jobs/ingest/:id/successfulResults', results('successful'));
  router.get('/jobs/ingest/:id/failedResults', results('failed'));
  router.get('/jobs/ingest/:id/unprocessedrecords', results('unprocessed'));

  router.delete('/jobs/ingest/:id', (req: Request, res: Response) => {
    const job = jobOf(req);
    if (!['JobComplete', 'Failed', 'Aborted', 'UploadComplete'].includes(job.state)) throw invalidJobState(`Job in state ${job.state} cannot be deleted`);
    state.jobs.delete(job.id);
    res.status(204).end();
  });
  return router;
}
