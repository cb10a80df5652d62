/** What every job handler gets: the store, the queues, config-derived settings, a logger. */
import type { OAuthApp } from '../../connectors/connector.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '../store/db.ts';
import type { AccessDeps } from '../sync/access.ts';
import type { Queues } from './queues.ts';

export interface JobContext {
  db: Db;
  queues: Queues;
  logger: Logger;
  access: AccessDeps;
}

export function oauthAppFrom(config: Config): OAuthApp {
  return { ...config.hubspot };
}

export function accessDepsFrom(config: Config, db: Db): AccessDeps {
  return { db, encryptionKey: config.encryptionKey, oauthApp: oauthAppFrom(config), refreshMarginMs: config.tokenRefreshMarginMs };
}
