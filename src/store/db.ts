/**
 * Opens the store: PostgreSQL (node-postgres) when DATABASE_URL is set, otherwise an embedded
 * PGlite database persisted on disk — the zero-setup default. Both are driven through the
 * same drizzle schema and the same migrations, applied here at start.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { UserFacingError } from '../domain/errors.ts';
import { lockDir } from './dir-lock.ts';
import * as schema from './schema.ts';
import type { Config } from '../config.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Store {
  db: Db;
  kind: 'pg' | 'pglite';
  schema: string;
  close(): Promise<void>;
}

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

export class StoreUnavailableError extends UserFacingError {
  override name = 'StoreUnavailableError';
  constructor(message: string) {
    super('STORE_UNAVAILABLE', message);
  }
}

/** `pglite.dir` may be 'memory://' for a throw-away database (tests). */
export async function openStore(config: Pick<Config, 'store'>): Promise<Store> {
  const s = config.store;
  if (s.kind === 'pg') {
    const pool = new pg.Pool({
      connectionString: s.url,
      max: 10,
      // Every connection works in the configured schema; migrations create tables there.
      options: `-c search_path=${s.schema}`,
      // Names Sway's connections in pg_stat_activity (operators, and the tests that drop them).
      application_name: applicationName(s.schema),
    });
    // A connection PostgreSQL drops (restart, failover, idle timeout, pg_terminate_backend) emits
    // 'error' — on the pool when it was idle, on the client when checked out between queries.
    // Unhandled, either ends the process (issue 17). The pool discards the broken client and the
    // next query opens a fresh one; a query that was running fails and its job is retried.
    pool.on('error', (err) => onConnectionError(err));
    pool.on('connect', (client) => client.on('error', (err) => onConnectionError(err)));
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s.schema)}`);
    } catch (err) {
      await pool.end().catch(() => {});
      throw new StoreUnavailableError(
        `PostgreSQL is not reachable at ${redactUrl(s.url)} (${(err as Error).message}); start it or unset DATABASE_URL to use the embedded store`,
      );
    }
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    await migratePg(db as never, { migrationsFolder: MIGRATIONS, migrationsSchema: s.schema });
    return { db, kind: 'pg', schema: s.schema, close: () => pool.end() };
  }
  let unlock = () => {};
  if (!s.dir.startsWith('memory://')) {
    mkdirSync(s.dir, { recursive: true });
    // One process per PGlite directory, or a second one's writes are silently lost (dir-lock.ts).
    unlock = lockDir(s.dir);
  }
  try {
    return await openPglite(s.dir, s.schema, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function openPglite(dir: string, schemaName: string, unlock: () => void): Promise<Store> {
  // Loaded only for the embedded store: PGlite's WASM module costs ~0.5 s of startup.
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const client = await PGlite.create(dir);
  await client.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemaName)}; SET search_path TO ${quoteIdent(schemaName)}`);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder: MIGRATIONS, migrationsSchema: schemaName });
  return {
    db,
    kind: 'pglite',
    schema: schemaName,
    close: async () => {
      try {
        await client.close();
      } finally {
        unlock();
      }
    },
  };
}

/** `application_name` of Sway's PostgreSQL connections for a schema (≤ 63 bytes). */
export const applicationName = (schema: string) => `sway:${schema}`.slice(0, 63);

let warned = 0;
function onConnectionError(err: Error): void {
  // Log without the pool's context (a connection string may carry a password); once per second at most.
  const now = Date.now();
  if (now - warned < 1000) return;
  warned = now;
  process.stderr.write(`${JSON.stringify({ level: 40, time: now, msg: 'PostgreSQL connection lost; reconnecting on next use', error: err.message })}\n`);
}

/** Connection strings may carry a password: never print one. */
export function redactUrl(u: string): string {
  return u.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
