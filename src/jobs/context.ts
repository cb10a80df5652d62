/** What every job handler gets: the store, the queues, config-derived settings, a logger. */
import type { Redis } from 'ioredis';
import type { OAuthApp } from '../../connectors/connector.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '../store/db.ts';
import type { AccessDeps } from '../sync/access.ts';
import { RateBudget } from '../sync/rate-budget.ts';
import type { Queues } from './queues.ts';

export interface JobContext {
  db: Db;
  queues: Queues;
  logger: Logger;
  access: AccessDeps;
  /** Concurrent write batches per push. */
  pushConcurrency: number;
  /** Match runs: partition jobs per full recompute, and how old a full run may get. */
  matching: { partitions: number; fullEveryMs: number };
}

export function oauthAppFrom(config: Config): OAuthApp {
  const { clientId, clientSecret, appBaseUrl, apiBaseUrl, scopes } = config.hubspot;
  return { clientId, clientSecret, appBaseUrl, apiBaseUrl, scopes };
}

export function accessDepsFrom(config: Config, db: Db, redis: Redis): AccessDeps {
  const r = config.hubspot.rateLimit;
  const budget = new RateBudget(redis, config.redis.prefix, {
    standard: { limit: r.limit, intervalMs: r.intervalMs, share: r.share },
    // Search: HubSpot's 5/s, with the same headroom share.
    search: { limit: r.searchLimit, intervalMs: 1000, share: r.share },
  });
  return {
    db,
    encryptionKey: config.encryptionKey,
    oauthApp: oauthAppFrom(config),
    refreshMarginMs: config.tokenRefreshMarginMs,
    redis,
    prefix: config.redis.prefix,
    budget,
  };
}
