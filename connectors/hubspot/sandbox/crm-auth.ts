// Authentication, rate limiting and scope checks for /crm/*, in HubSpot's order: an
// unauthenticated call is rejected before it can use the account's budget; an authenticated
// one is counted even when it then fails on scopes or validation. Fault injection (faults.ts)
// sits between the two, so only authenticated calls can get an injected fault.
import type { NextFunction, Request, Response } from 'express';
import {
  AUTH_NOT_FOUND_MESSAGE,
  MISSING_SCOPES_MESSAGE,
  SandboxHttpError,
  apiError,
  correlationId,
  expiredMessage,
} from './errors.ts';
import { type RateLimitDecision, rateLimitHeaders } from './rate-limit.ts';
import type { SandboxState } from './state.ts';

export interface CrmLocals {
  portalId: number;
  scopes: string[];
}

/** 401 unless the bearer token is a live access token of this portal. */
export function crmAuthenticate(state: SandboxState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const record = match ? state.accessTokens.get(match[1]!.trim()) : undefined;
    if (!record) throw apiError(401, 'INVALID_AUTHENTICATION', AUTH_NOT_FOUND_MESSAGE);
    const now = state.now();
    if (now >= record.expiresAt) {
      throw apiError(401, 'EXPIRED_AUTHENTICATION', expiredMessage(now - record.expiresAt), {
        context: { 'expire time': [new Date(record.expiresAt).toISOString()] },
      });
    }
    const locals = res.locals as CrmLocals;
    locals.portalId = state.opts.portalId;
    locals.scopes = record.scopes;
    next();
  };
}

/**
 * The 429 HubSpot sends for the burst limit (no `category`), with the rate-limit headers. The
 * groupName pattern is inferred from captured private-app bodies
 * ("publicapi:private_app-api-calls-ten-secondly:…"). Fault injection reuses it unchanged.
 */
export function burstLimitError(state: SandboxState, decision: Pick<RateLimitDecision, 'max' | 'intervalMs'> & { retryAfterMs?: number }): SandboxHttpError {
  const headers: Record<string, string> = rateLimitHeaders({ ...decision, allowed: false, remaining: 0, retryAfterMs: 0 });
  // HubSpot sends Retry-After (seconds) with its 429s (usage guidelines,
  // https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines, as cited in
  // PostHog/posthog#64726): when the window frees a slot, rounded up (injected faults: a whole
  // window, which is what a real refusal right after a full window says).
  if (decision.retryAfterMs && decision.retryAfterMs > 0) headers['Retry-After'] = String(Math.ceil(decision.retryAfterMs / 1000));
  return new SandboxHttpError(429, {
    status: 'error',
    message: 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: correlationId(),
    policyName: 'TEN_SECONDLY_ROLLING',
    groupName: `publicapi:oauth-api-calls-ten-secondly:${state.opts.appId}:${state.opts.portalId}`,
  }, headers);
}

/** A search request (counted against the burst window only if `searchCountsTowardBurst`). */
const isSearch = (req: Request) => req.method === 'POST' && /^\/crm\/v3\/objects\/[^/]+\/search\/?$/.test(req.originalUrl.split('?')[0]!);

/** The per-account burst limit (TEN_SECONDLY_ROLLING); every counted answer carries the headers. */
export function crmRateLimit(state: SandboxState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!state.opts.searchCountsTowardBurst && isSearch(req)) return next();
    const decision = state.limiter.take(state.faults.contention);
    res.set(rateLimitHeaders(decision));
    if (!decision.allowed) throw burstLimitError(state, decision);
    next();
  };
}

/**
 * The search endpoints' own per-account limit, on top of the burst limit. Body as HubSpot sends
 * it for its per-second policies (captured: message 'You have reached your secondly limit.',
 * errorType RATE_LIMIT, policyName SECONDLY — the SDK's RetryDecorator keys on that message).
 * The groupName is inferred by analogy with the burst limit's.
 */
export function searchRateLimit(state: SandboxState) {
  return (_req: Request, _res: Response, next: NextFunction): void => {
    const decision = state.searchLimiter.take();
    if (decision.allowed) return next();
    throw new SandboxHttpError(429, {
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      correlationId: correlationId(),
      policyName: 'SECONDLY',
      groupName: `publicapi:oauth-api-calls-secondly:crm-search:${state.opts.appId}:${state.opts.portalId}`,
    }, { 'Retry-After': String(Math.ceil(decision.retryAfterMs / 1000)) });
  };
}

/** Passes when the token holds at least one of `scopes`; otherwise 403 MISSING_SCOPES. */
export function requireAnyScope(...scopes: string[]) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const granted = (res.locals as CrmLocals).scopes ?? [];
    if (scopes.some((s) => granted.includes(s))) return next();
    throw apiError(403, 'MISSING_SCOPES', MISSING_SCOPES_MESSAGE, {
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: scopes } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    });
  };
}
