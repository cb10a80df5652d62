import type { Config } from '../config.ts';
import type { Queues } from '../jobs/queues.ts';
import type { Logger } from '../logger.ts';
import type { Db } from '../store/db.ts';

/** What the routes need. */
export interface AppContext {
  config: Config;
  db: Db;
  queues: Queues;
  logger: Logger;
}
