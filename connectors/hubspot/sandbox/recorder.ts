// Records every HTTP request in arrival order. The record is pushed when the request arrives
// (so concurrent requests keep their order) and completed when the status line is written, which
// happens before the client can see the response: a test that awaited a call always finds its
// final status in `requests`.
import type { NextFunction, Request, Response } from 'express';
import type { SandboxState } from './state.ts';
import type { RecordedRequest } from './types.ts';

/** Values that handlers put in res.locals for the recorder. */
export interface RecorderLocals {
  portalId?: number;
  grantType?: string;
  injected?: boolean; // set by faults.ts when the answer is an injected fault
}

function flattenQuery(query: Request['query']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
}

function bearerOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1]?.trim();
}

export function recorder(state: SandboxState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const record: RecordedRequest = {
      at: state.now(),
      method: req.method,
      path: req.path,
      query: flattenQuery(req.query),
      status: 0,
    };
    const bearer = bearerOf(req);
    if (bearer !== undefined) record.bearer = bearer;
    state.requests.push(record);

    const writeHead = res.writeHead;
    // writeHead is called once per response, explicitly or through res.end's implicit header.
    res.writeHead = function (this: Response, ...args: unknown[]) {
      record.status = typeof args[0] === 'number' ? args[0] : res.statusCode;
      const locals = res.locals as RecorderLocals;
      if (locals.portalId !== undefined) record.portalId = locals.portalId;
      if (locals.grantType !== undefined) record.grantType = locals.grantType;
      if (locals.injected) record.injected = true;
      // Body parsers have run by now; express 5 leaves req.body undefined when none matched,
      // and an unparsable body stays undefined too.
      if (req.body !== undefined) record.body = req.body;
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as typeof res.writeHead;
    next();
  };
}
