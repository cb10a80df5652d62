/**
 * Issue 17, item 2: PostgreSQL dropping Sway's connections (a restart, a failover, an idle
 * timeout — here pg_terminate_backend on this test's own connections only) must not end the
 * server: /healthz still answers and the next request that needs the store works.
 * PostgreSQL only (PGlite has no connections to drop).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createApiKey } from '../../src/store/api-keys.ts';
import { applicationName, openStore } from '../../src/store/db.ts';
import { saveInstallation } from '../../src/store/installations.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/harness.ts';

const schema = `t_${randomBytes(6).toString('hex')}`;
const env = {
  PATH: process.env.PATH!,
  HOME: process.env.HOME ?? '/tmp',
  PORT: '0',
  DATABASE_URL: TEST_DATABASE_URL ?? '',
  DB_SCHEMA: schema,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  QUEUE_PREFIX: `sway-test-${randomBytes(4).toString('hex')}`,
  SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  HUBSPOT_CLIENT_ID: 'id',
  HUBSPOT_CLIENT_SECRET: 'secret',
  PULL_INTERVAL_MINUTES: '0',
  LOG_LEVEL: 'info',
};

let child: ChildProcess | undefined;
let exited: Promise<number | null>;
let url = '';
let apiKey = '';

/** Ends every PostgreSQL backend of this test's Sway (its schema's application_name). */
async function terminateSwayBackends(): Promise<number> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    const r = await c.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [applicationName(schema)]);
    return r.rows.filter((x) => x.ok).length;
  } finally {
    await c.end();
  }
}

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL connections dropped under a running server', () => {
  beforeAll(async () => {
    child = spawn(process.execPath, ['bin/sway.js', 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    exited = new Promise((r) => child!.on('exit', (code) => r(code)));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d) => {
        out += d;
        const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
        if (m && !url) {
          url = m[1]!;
          resolve();
        }
      });
      child!.stderr!.on('data', (d) => (out += d));
      void exited.then((code) => reject(new Error(`sway serve exited (${code}): ${out.slice(-2000)}`)));
    });
    // An installation and key to make a request that needs the store (the test's own pool, closed before the drop).
    const store = await openStore(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
    const { installation } = await saveInstallation(store.db, Buffer.from(env.SWAY_ENCRYPTION_KEY, 'base64'), 'hubspot', { accountId: 'drop-1', accountDomain: null, scopes: [] }, {
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: new Date(Date.now() + 3600_000),
    });
    apiKey = await createApiKey(store.db, installation.id);
    await store.close();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  const runs = () => fetch(`${url}/api/v1/runs`, { headers: { authorization: `Bearer ${apiKey}` } });

  it('survives every connection being terminated, twice, and the next request works', async () => {
    // Connections in the pool: a request or two leaves idle clients behind.
    expect((await Promise.all([runs(), runs(), runs()])).map((r) => r.status)).toEqual([200, 200, 200]);
    for (let round = 0; round < 2; round++) {
      expect(await terminateSwayBackends()).toBeGreaterThan(0);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      // The broken clients are discarded; a fresh connection answers (a query that raced the drop may fail once).
      let status = (await runs()).status;
      if (status !== 200) status = (await runs()).status;
      expect(status).toBe(200);
    }
    expect(child!.exitCode).toBeNull();
  });
});
