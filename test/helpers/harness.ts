/**
 * Integration-test harness: a real HubSpot sandbox over HTTP, a real Sway runtime (store,
 * Redis queues, HTTP server) with its own queue prefix and, on PostgreSQL, its own schema.
 * The store is PostgreSQL when DATABASE_URL is set (CI runs the suite both ways), otherwise
 * an in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../connectors/hubspot/sandbox/index.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { installViaOAuth, type InstallResult } from '../../src/demo/demo-steps.ts';
import { createLogger } from '../../src/logger.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';

export const TEST_DATABASE_URL = process.env.DATABASE_URL || undefined;

export function testConfig(sandbox: HubSpotSandbox | null, env: Record<string, string> = {}): Config {
  const id = randomBytes(6).toString('hex');
  return loadConfig({
    PORT: '0',
    ...(TEST_DATABASE_URL ? { DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA: `t_${id}` } : { PGLITE_DIR: 'memory://' }),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `sway-test-${id}`,
    SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HUBSPOT_CLIENT_ID: sandbox?.clientId ?? 'client',
    HUBSPOT_CLIENT_SECRET: sandbox?.clientSecret ?? 'secret',
    HUBSPOT_APP_BASE_URL: sandbox?.url ?? 'http://127.0.0.1:9',
    HUBSPOT_API_BASE_URL: sandbox?.url ?? 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
    // Per-client HTTP limits off: every request of a test comes from 127.0.0.1 (tests of the
    // limits set them through `env`).
    API_RATE_LIMIT_PER_MINUTE: '0',
    INSTALL_RATE_LIMIT_PER_HOUR: '0',
    // A test process starved of CPU on a busy machine (its event loop held past BullMQ's lock)
    // must not look like a crashed worker: at the 30 s default its jobs were found stalled and
    // run twice. No test here kills workers through the harness (test/jobs/stall sets its own).
    JOB_STALL_MS: '120000',
    ...env,
  });
}

export interface Harness {
  sandbox: HubSpotSandbox;
  rt: Runtime;
  install(): Promise<InstallResult>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { sandbox?: HubSpotSandboxOptions; workers?: boolean; env?: Record<string, string> } = {},
): Promise<Harness> {
  // Tests read their own writes back at once: no search-index lag unless a test asks for one.
  const sandbox = createHubSpotSandbox({ searchLagMs: 0, ...options.sandbox });
  await sandbox.start(0);
  const config = testConfig(sandbox, options.env);
  const rt = await startRuntime(config, { server: true, workers: options.workers ?? false, logger: createLogger('silent') });
  rt.config.publicUrl = rt.url!;
  return {
    sandbox,
    rt,
    install: () => installViaOAuth(rt.url!),
    async close() {
      for (const q of Object.values(rt.queues)) await q.obliterate({ force: true }).catch(() => {});
      await rt.close();
      await sandbox.stop();
      if (config.store.kind === 'pg') await dropSchema(config.store.url, config.store.schema);
    },
  };
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Requests the sandbox saw, filtered by method and a path pattern. */
export function requestsTo(sandbox: HubSpotSandbox, method: string, path: RegExp) {
  return sandbox.requests.filter((r) => r.method === method && path.test(r.path));
}
