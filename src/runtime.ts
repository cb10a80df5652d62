/**
 * Assembles a running Sway from configuration: store (migrated), Redis check, queues, and
 * optionally the HTTP server and the workers. `sway serve`, `sway worker`, the demo and the
 * integration tests all start Sway through here, so they run the same wiring.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { UserFacingError } from './domain/errors.ts';
import { accessDepsFrom, configuredCrms, type JobContext } from './jobs/context.ts';
import { assertRedisReachable, closeQueues, createQueues, redisConnection, type Queues } from './jobs/queues.ts';
import { reassertSchedules, sweepAbandonedRuns } from './jobs/startup.ts';
import { startWorkers, type Workers } from './jobs/workers.ts';
import { connectors } from '../connectors/index.ts';
import { createLogger, type Logger } from './logger.ts';
import { createApp } from './server/app.ts';
import { openStore, type Store } from './store/db.ts';
import { fillApiBaseUrls } from './store/installations.ts';

export interface Runtime {
  config: Config;
  store: Store;
  queues: Queues;
  logger: Logger;
  jobs: JobContext;
  /** Base URL of the HTTP server, when started. */
  url?: string;
  close(): Promise<void>;
}

export async function startRuntime(
  config: Config,
  options: { server?: boolean; workers?: boolean; logger?: Logger; listenPort?: number } = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  await assertRedisReachable(config.redis.url);
  const store = await openStore(config);
  for (const [crm, c] of configuredCrms(config)) {
    const connector = connectors[crm];
    connector.setRequestTimeout(c.timeoutMs ?? connector.limits.requestTimeoutMs);
    // Installations from before they carried their API host (migration 0012) get the configured one.
    await fillApiBaseUrls(store.db, crm, c.oauthApp.apiBaseUrl);
  }
  const connection = redisConnection(config.redis.url);
  const queues = createQueues(connection, config.redis.prefix, { attempts: config.jobs.attempts, scoreDebounceMs: config.jobs.scoreDebounceMs });
  const jobs: JobContext = { db: store.db, queues, logger, access: accessDepsFrom(config, store.db, connection), pushConcurrency: config.pushConcurrency, matching: config.matching };
  let workers: Workers | undefined;
  let server: Server | undefined;
  let url: string | undefined;
  let sweep: NodeJS.Timeout | undefined;
  if (options.workers) {
    workers = startWorkers(jobs, connection, config.redis.prefix, 2, config.jobs);
    // Redis may have lost the schedules; runs of killed processes are marked (src/jobs/startup.ts).
    await reassertSchedules(store.db, queues, config.pullIntervalMs);
    const swept = () => sweepAbandonedRuns(store.db, queues).catch((err) => logger.warn({ error: (err as Error).message }, 'abandoned-run sweep failed'));
    await swept();
    sweep = setInterval(swept, Math.max(60_000, config.jobs.stallMs * 4));
    sweep.unref();
  }
  if (options.server) {
    const app = createApp({ config, db: store.db, queues, logger });
    const port = options.listenPort ?? config.port;
    try {
      // Express 5 passes a listen error (EADDRINUSE…) to this callback instead of throwing.
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
      });
    } catch (err) {
      await workers?.close();
      await closeQueues(queues);
      connection.disconnect();
      await store.close();
      throw listenError(err as NodeJS.ErrnoException, config.host, port);
    }
    url = `http://${localAddress(config.host)}:${(server.address() as AddressInfo).port}`;
  }
  return {
    config,
    store,
    queues,
    logger,
    jobs,
    url,
    async close() {
      // Order matters: stop taking requests, let active jobs finish, then drop connections.
      if (sweep) clearInterval(sweep);
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      if (workers) await workers.close();
      await closeQueues(queues);
      connection.disconnect();
      await store.close();
    },
  };
}

export class PortInUseError extends UserFacingError {
  override name = 'PortInUseError';
  constructor(message: string) {
    super('PORT_IN_USE', message);
  }
}

/** EADDRINUSE and friends as one line a user can act on; anything else unchanged. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === 'EADDRINUSE') {
    return new PortInUseError(`port ${port} on ${host} is already in use (another sway serve or demo --serve?); stop that process or set PORT to a free port`);
  }
  if (err.code === 'EACCES') return new PortInUseError(`not allowed to listen on port ${port} on ${host}; use a port above 1023 or set PORT`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return new PortInUseError(`cannot listen on HOST ${host}: not an address of this machine`);
  return err;
}

/** Where this process reaches its own server: a wildcard address is reached through loopback. */
function localAddress(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
