// The gate in front of every REST call under /services/data/v68.0: a valid, unexpired bearer
// token (401 INVALID_SESSION_ID otherwise, not counted), then injected faults, then the daily
// allowance (403 REQUEST_LIMIT_EXCEEDED when used up, not counted). Every answer past the
// token check carries `Sforce-Limit-Info`.
import type { NextFunction, Request, Response } from 'express';
import { limitExceeded, sessionError } from './errors.ts';
import type { RecorderLocals } from './recorder.ts';
import type { SandboxState } from './state.ts';

export function authenticate(state: SandboxState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const bearer = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    const record = bearer ? state.accessTokens.get(bearer) : undefined;
    if (!record || record.expiresAt <= state.now()) throw sessionError();
    res.set('Sforce-Limit-Info', state.usage.header());
    next();
  };
}

export function countCall(state: SandboxState) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (!state.usage.take()) throw limitExceeded();
    (res.locals as RecorderLocals).counted = true;
    res.set('Sforce-Limit-Info', state.usage.header());
    next();
  };
}
