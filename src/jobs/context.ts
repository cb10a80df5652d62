/** What every job handler gets: the store, the queues, config-derived settings, a logger. */
import type { Redis } from 'ioredis';
import { connectors, type CrmId } from '../../connectors/index.ts';
import type { Config, CrmConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '../store/db.ts';
import type { AccessDeps } from '../sync/access.ts';
import { budgetPolicies, RateBudget } from '../sync/rate-budget.ts';
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

/**
 * Token access for every configured CRM: its OAuth app from configuration and a shared rate
 * budget built from the limits its connector declares, with the configured overrides.
 */
export function accessDepsFrom(config: Config, db: Db, redis: Redis): AccessDeps {
  const crms: AccessDeps['crms'] = {};
  for (const [crm, c] of configuredCrms(config)) {
    crms[crm] = { oauthApp: c.oauthApp, budget: new RateBudget(redis, config.redis.prefix, budgetPolicies(connectors[crm].limits, c.limits)) };
  }
  return {
    db,
    encryptionKey: config.encryptionKey,
    crms,
    refreshMarginMs: config.tokenRefreshMarginMs,
    redis,
    prefix: config.redis.prefix,
  };
}

/** The configured CRMs with their settings, in registry order. */
export function configuredCrms(config: Config): [CrmId, CrmConfig][] {
  return (Object.keys(connectors) as CrmId[]).flatMap((crm) => {
    const c = config.crms[crm];
    return c ? [[crm, c] as [CrmId, CrmConfig]] : [];
  });
}
