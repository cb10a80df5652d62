/**
 * Builds @hubspot/api-client instances. A client is cheap and bound to one access token, so
 * one is made per session. The SDK's own retries and limiter stay off (its retries ignore
 * Retry-After and its limiter is per process — CRM-NOTES.md); instead the session's hooks run
 * as SDK middleware around every request: the shared rate budget before, statistics after.
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
  const hooks = session.hooks;
  // The SDK calls pre/post in order for each request, so the kind seen in pre is the one post needs.
  const kinds: RequestKind[] = [];
  const middleware = hooks
    ? [
        {
          pre: async (ctx: unknown) => {
            const kind = kindOf((ctx as RequestContextLike).getUrl());
            kinds.push(kind);
            await hooks.beforeRequest(kind);
            return ctx;
          },
          post: async (ctx: unknown) => {
            const r = ctx as ResponseContextLike;
            await hooks.afterResponse(kinds.shift() ?? 'standard', r.httpStatusCode, r.headers ?? {});
            return ctx;
          },
        },
      ]
    : undefined;
  return new Client({ accessToken: session.accessToken, basePath: session.apiBaseUrl, numberOfApiCallRetries: 0, middleware });
}

export function anonymousClient(apiBaseUrl: string): Client {
  return new Client({ basePath: apiBaseUrl, numberOfApiCallRetries: 0 });
}
