/**
 * Builds @hubspot/api-client instances and the per-call options that carry Sway's request
 * hooks. The SDK's own retries and limiter stay off (its retries ignore Retry-After and its
 * limiter is per process — CRM-NOTES.md); the session's hooks run as SDK middleware around
 * every request instead: the shared rate budget before, statistics and 429 penalties after.
 *
 * SDK quirk (13.5): middleware given in the Client's configuration is ignored by the generated
 * APIs — they start from an empty list unless the call itself passes `_options.middleware` —
 * so every call passes `callOptions(session)` as its last argument, with strategy 'append'
 * (keeping the SDK's own header middleware).
 */
import { Client } from '@hubspot/api-client';
import type { CrmSession, RequestKind } from '../connector.ts';

interface RequestContextLike {
  getUrl(): string;
}
interface ResponseContextLike {
  httpStatusCode: number;
  headers: Record<string, string>;
}

/** Search endpoints have their own HubSpot limit (5/s), so they draw on their own budget. */
const kindOf = (url: string): RequestKind => (/\/search(\?|$)/.test(url) ? 'search' : 'standard');

export function sessionClient(session: CrmSession): Client {
  return new Client({ accessToken: session.accessToken, basePath: session.apiBaseUrl, numberOfApiCallRetries: 0 });
}

/** The SDK's call-time options type is per API module; they all accept this shape. */
export type CallOptions = never;

/** Options for one SDK call (fresh per call: pre and post share the request's kind). */
export function callOptions(session: CrmSession): CallOptions | undefined {
  const hooks = session.hooks;
  if (!hooks) return undefined;
  let kind: RequestKind = 'standard';
  const middleware = {
    pre: async (ctx: unknown) => {
      kind = kindOf((ctx as RequestContextLike).getUrl());
      await hooks.beforeRequest(kind);
      return ctx;
    },
    post: async (ctx: unknown) => {
      const r = ctx as ResponseContextLike;
      await hooks.afterResponse(kind, r.httpStatusCode, r.headers ?? {});
      return ctx;
    },
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' } as unknown as CallOptions;
}

export function anonymousClient(apiBaseUrl: string): Client {
  return new Client({ basePath: apiBaseUrl, numberOfApiCallRetries: 0 });
}
