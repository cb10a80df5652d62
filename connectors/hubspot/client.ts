/**
 * Builds @hubspot/api-client instances and the per-call options that carry Sway's request
 * hooks. The SDK's own retries and limiter stay off (its retries ignore Retry-After and its
 * limiter is per process — CRM-NOTES.md); the session's hooks run as SDK middleware around
 * every request instead: the shared rate budget before, statistics and 429 penalties after.
 *
 * The hooks are per call, not in the Client's configuration: `pre` and `post` of one request
 * share its kind (standard or search), which a Client-wide middleware shared by concurrent
 * calls could not keep apart. So every call passes `callOptions(session)` as its last argument,
 * with strategy 'append' (after the SDK's header and agent middleware). Up to 13.5 the
 * generated APIs also dropped the configuration's middleware when a call passed none; 14.0
 * keeps it (codegen types/ObservableAPI.js), so a call without hooks passes nothing.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { Client } from '@hubspot/api-client';
import type { CrmSession, RequestKind } from '../connector.ts';
import { HUBSPOT_REQUEST_TIMEOUT_MS } from './api.ts';

/**
 * Every generated SDK call gives up when its connection sees no byte for the timeout: the
 * socket is destroyed, the request rejects with a network error, and errors.ts classifies it
 * as TRANSIENT (retried with backoff). Issue 17: a connection HubSpot accepted and never
 * answered held a push "active" forever. The SDK's transport takes no per-request signal; with
 * an httpAgent in the Client's configuration (14.0: src/services/http/Transport.js) it sends
 * through node:http with that agent, so the deadline lives on the agent's sockets.
 */
let timeoutMs = HUBSPOT_REQUEST_TIMEOUT_MS;
const agents = new Map<string, http.Agent>();

/** Sets the deadline for requests started from now on (HUBSPOT_TIMEOUT_MS; src/runtime.ts). */
export function setRequestTimeout(ms: number): void {
  timeoutMs = ms;
}

function agentFor(baseUrl: string): http.Agent {
  const secure = baseUrl.startsWith('https:');
  const key = `${secure ? 'https' : 'http'}:${timeoutMs}`;
  let agent = agents.get(key);
  if (!agent) {
    const ms = timeoutMs;
    const Base = secure ? https.Agent : http.Agent;
    agent = new (class extends Base {
      override createConnection(...args: Parameters<http.Agent['createConnection']>): Duplex {
        const socket = super.createConnection(...args) as Duplex & { setTimeout(ms: number, cb: () => void): void };
        socket.setTimeout(ms, () => socket.destroy(Object.assign(new Error(`no answer from HubSpot within ${ms} ms`), { code: 'ETIMEDOUT' })));
        return socket;
      }
    })({ keepAlive: true });
    agents.set(key, agent);
  }
  return agent;
}

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
  return new Client({ accessToken: session.accessToken, basePath: session.apiBaseUrl, numberOfApiCallRetries: 0, httpAgent: agentFor(session.apiBaseUrl) });
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
  const client = new Client({ basePath: apiBaseUrl, numberOfApiCallRetries: 0, httpAgent: agentFor(apiBaseUrl) });
  // apiRequest (the OAuth token calls) sends through the global fetch, which ignores the agent:
  // bound it by a deadline instead; the abandoned request's socket closes when the server gives up on it.
  const apiRequest = client.apiRequest.bind(client);
  client.apiRequest = (opts) => withDeadline(apiRequest(opts), timeoutMs);
  return client;
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer from HubSpot within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
