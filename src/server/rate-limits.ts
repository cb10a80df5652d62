/**
 * Per-client request limits (express-rate-limit), counted in Redis (rate-limit-redis) so every
 * `sway serve` behind a load balancer shares one count per client. A client is its IP address
 * (`req.ip`; behind a reverse proxy set TRUST_PROXY so that is the forwarded caller's). Over the limit:
 * 429 with `Retry-After` (seconds) and the usual error body.
 *
 * - /api/v1/*: API_RATE_LIMIT_PER_MINUTE (600), counted before the API key is checked, so a
 *   flood of keyless or wrong-key requests is limited too.
 * - /oauth/<crm>/install: INSTALL_RATE_LIMIT_PER_HOUR (30); every anonymous call writes an
 *   OAuth state row (src/store/oauth-states.ts), so this bounds what a stranger can write.
 *
 * The counts use the queues' Redis connection (no extra connection to open or close) under
 * `<QUEUE_PREFIX>:rl:` (a `{hash-tag}` prefix keeps them on one Redis Cluster slot).
 */
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { rateLimit } from 'express-rate-limit';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type { AppContext } from './context.ts';
import { sendError } from './http-errors.ts';

function limiter(ctx: AppContext, name: string, limit: number, windowMs: number, what: string): RequestHandler {
  if (limit === 0) return (_req, _res, next) => next();
  // BullMQ's client is an ioredis connection (src/jobs/queues.ts redisConnection).
  const redis = ctx.queues.score.client;
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Proxies: express's own trust-proxy setting decides req.ip; no warnings about it on stderr.
    validate: false,
    store: new RedisStore({
      prefix: `${ctx.config.redis.prefix}:rl:${name}:`,
      sendCommand: async (command: string, ...args: string[]) => ((await redis) as unknown as Redis).call(command, ...args) as Promise<RedisReply>,
    }),
    handler: (_req, res, _next, options) => {
      sendError(res, options.statusCode, 'RATE_LIMITED', `too many ${what} from this client (at most ${limit} per ${windowMs / 60_000} minutes); retry after the number of seconds in Retry-After`);
    },
  });
}

export function apiRateLimit(ctx: AppContext): RequestHandler {
  return limiter(ctx, 'api', ctx.config.rateLimits.apiPerMinute, 60_000, 'API requests');
}

export function installRateLimit(ctx: AppContext): RequestHandler {
  return limiter(ctx, 'install', ctx.config.rateLimits.installPerHour, 3_600_000, 'install attempts');
}
