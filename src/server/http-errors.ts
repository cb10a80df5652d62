/**
 * The one error body every route returns: `{ error: { code, message, issues? } }`, with
 * `issues` listing each problem's path for bad input. The final handler maps anything
 * unexpected to a 500 whose message says nothing internal.
 */
import type { ErrorRequestHandler, Response } from 'express';
import { errorForLog, type Logger } from '../logger.ts';

export interface Issue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, code: string, message: string, issues?: Issue[]): void {
  res.status(status).json({ error: { code, message, ...(issues ? { issues } : {}) } });
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message, err.issues);
    // body-parser errors carry a status and a type.
    const e = err as { status?: number; type?: string; limit?: number; message?: string };
    if (e.type === 'entity.too.large') {
      return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `request body exceeds the limit of ${e.limit} bytes`);
    }
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'MALFORMED_JSON', 'request body is not valid JSON');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendError(res, e.status, 'BAD_REQUEST', e.message ?? 'bad request');
    }
    // Never the message of a failed query: it holds the query's parameters (emails, ids).
    logger.error({ error: errorForLog(err) }, 'unhandled error');
    return sendError(res, 500, 'INTERNAL', 'something went wrong on our side; it has been logged');
  };
}
