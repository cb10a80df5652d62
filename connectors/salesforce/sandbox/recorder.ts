// Records every HTTP request in arrival order, with the client named in Sforce-Call-Options so
// tests can check what Sway calls itself. The record is pushed when the request arrives and
// completed when the status line is written (before the client sees the response).
import type { NextFunction, Request, Response } from 'express';
import type { SandboxState } from './state.ts';
import type { RecordedRequest } from './types.ts';

/** Values that handlers put in res.locals for the recorder. */
export interface RecorderLocals {
  record?: RecordedRequest; // this request's record (faults.ts marks hung requests on it)
  grantType?: string;
  injected?: boolean;
  hung?: boolean;
  counted?: boolean;
}

function flattenQuery(query: Request['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
}

export function recorder(state: SandboxState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const record: RecordedRequest = { at: state.now(), method: req.method, path: req.path, query: flattenQuery(req.query), status: 0 };
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (bearer) record.bearer = bearer;
    const callOptions = req.headers['sforce-call-options'];
    if (typeof callOptions === 'string') {
      record.callOptions = callOptions;
      const client = /(?:^|,)\s*client=([^,]*)/.exec(callOptions)?.[1]?.trim();
      if (client) record.client = client;
    }
    state.requests.push(record);
    const locals = res.locals as RecorderLocals;
    locals.record = record;

    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      record.status = typeof args[0] === 'number' ? args[0] : res.statusCode;
      if (locals.grantType !== undefined) record.grantType = locals.grantType;
      if (locals.injected) record.injected = true;
      if (locals.counted) record.counted = true;
      if (req.body !== undefined) record.body = req.body;
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as typeof res.writeHead;
    next();
  };
}
