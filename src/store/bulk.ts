/**
 * Bulk inserts through COPY, the fastest way into PostgreSQL: interactions go in as binary COPY
 * (copy-binary.ts), matches as CSV (copyCsv). Works inside the caller's transaction, on
 * node-postgres (pg-copy-streams) and on PGlite (COPY FROM '/dev/blob').
 *
 * Reaching the driver client of a drizzle transaction uses drizzle's internal `session.client`
 * (stable across 0.3x–0.45); it is confined to `driverOf` below.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { encodeInteractions, INTERACTION_COPY_COLUMNS, type InteractionFields } from './copy-binary.ts';
import type { Db } from './db.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

interface PgClientLike {
  query(q: unknown, params?: unknown[]): unknown;
}
interface PgliteTxLike {
  query(q: string, params?: unknown[], options?: { blob?: Blob }): Promise<{ affectedRows?: number }>;
  exec?: unknown;
}

function driverOf(tx: Tx): { kind: 'pg'; client: PgClientLike } | { kind: 'pglite'; client: PgliteTxLike } {
  const client = (tx as unknown as { session: { client: unknown } }).session.client as Record<string, unknown>;
  // PGlite's transaction object has `exec` and `query`; a pg PoolClient has `connection`.
  return 'connection' in client ? { kind: 'pg', client: client as unknown as PgClientLike } : { kind: 'pglite', client: client as unknown as PgliteTxLike };
}

/** A CSV field for COPY: NULL is an empty unquoted field, every string is quoted. */
function csv(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return `"${v.replace(/"/g, '""')}"`;
}

const TEMP = 'sway_interactions_in';

interface Driver {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[]; count: number }>;
  /** A body given as chunks streams to PostgreSQL while later chunks are still being made. */
  copy(text: string, body: string | Buffer | Iterable<string>): Promise<void>;
}

function driver(tx: Tx): Driver {
  const d = driverOf(tx);
  if (d.kind === 'pg') {
    const client = d.client as unknown as {
      query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
      query(stream: unknown): NodeJS.WritableStream;
    };
    return {
      query: async (text, params) => {
        const r = await client.query(text, params);
        return { rows: r.rows, count: r.rowCount ?? 0 };
      },
      copy: (text, body) =>
        pipeline(Readable.from(typeof body === 'string' || Buffer.isBuffer(body) ? [body] : body), client.query(copyFrom(text.replace('$SOURCE', 'STDIN')))),
    };
  }
  const client = d.client;
  return {
    query: async (text, params) => {
      const r = (await client.query(text, params)) as { rows?: Record<string, unknown>[]; affectedRows?: number };
      return { rows: r.rows ?? [], count: r.affectedRows ?? 0 };
    },
    copy: async (text, body) => {
      const parts = (typeof body === 'string' || Buffer.isBuffer(body) ? [body] : [...body]) as BlobPart[];
      await client.query(text.replace('$SOURCE', "'/dev/blob'"), [], { blob: new Blob(parts) });
    },
  };
}

/**
 * Inserts interactions that are not stored yet; returns how many were new. Fast path: one
 * binary COPY straight into the table (one write per row, no lookup first). When a row is
 * already stored (a re-import, a retried batch, a concurrent batch with the same ids), the COPY
 * fails on the primary key: roll back to the savepoint and take the duplicate-safe path, the
 * same body COPied into a temporary table and moved with INSERT … ON CONFLICT DO NOTHING.
 */
export async function copyRows<T extends InteractionFields>(
  tx: Tx,
  installationId: string,
  rows: readonly T[],
  ends: { from: (row: T) => number; to: (row: T) => number },
): Promise<number> {
  if (rows.length === 0) return 0;
  const db = driver(tx);
  const body = encodeInteractions(installationId, rows, ends);
  await db.query('SAVEPOINT sway_copy');
  try {
    await db.copy(`COPY interactions (${INTERACTION_COPY_COLUMNS}) FROM $SOURCE (FORMAT binary)`, body);
    await db.query('RELEASE SAVEPOINT sway_copy');
    return rows.length;
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err; // unique_violation only
    await db.query('ROLLBACK TO SAVEPOINT sway_copy');
  }
  await db.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${TEMP} (installation_id uuid, external_id text, from_person_id bigint, to_person_id bigint, kind text, topics text[], sentiment real, occurred_at timestamptz) ON COMMIT DELETE ROWS`,
  );
  await db.query(`TRUNCATE ${TEMP}`);
  await db.copy(`COPY ${TEMP} (${INTERACTION_COPY_COLUMNS}) FROM $SOURCE (FORMAT binary)`, body);
  const moved = await db.query(
    `INSERT INTO interactions (${INTERACTION_COPY_COLUMNS}) SELECT ${INTERACTION_COPY_COLUMNS} FROM ${TEMP} ON CONFLICT (installation_id, external_id) DO NOTHING`,
  );
  return moved.count;
}

/**
 * Internal ids of people by the caller's ids (aliases of merged people included), as one
 * array parameter: far cheaper than an IN list of thousands of bound parameters.
 */
export async function personIdsByExternal(tx: Tx, installationId: string, externalIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (externalIds.length === 0) return out;
  const db = driver(tx);
  const found = await db.query('SELECT id, external_id FROM people WHERE installation_id = $1 AND external_id = ANY($2::text[])', [installationId, externalIds]);
  for (const r of found.rows) out.set(r.external_id as string, Number(r.id));
  const missing = externalIds.filter((id) => !out.has(id));
  if (missing.length > 0) {
    const aliases = await db.query('SELECT person_id, external_id FROM person_aliases WHERE installation_id = $1 AND external_id = ANY($2::text[])', [installationId, missing]);
    for (const r of aliases.rows) out.set(r.external_id as string, Number(r.person_id));
  }
  return out;
}

/** For ids that are aliases of merged people: old id → the surviving person's own id. */
export async function aliasTargets(tx: Tx, installationId: string, externalIds: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (externalIds.length === 0) return out;
  const found = await driver(tx).query(
    `SELECT a.external_id AS old, p.external_id AS survivor FROM person_aliases a JOIN people p ON p.id = a.person_id
     WHERE a.installation_id = $1 AND a.external_id = ANY($2::text[])`,
    [installationId, externalIds],
  );
  for (const r of found.rows) out.set(r.old as string, r.survivor as string);
  return out;
}

/** COPY … FROM $SOURCE (CSV body) inside the caller's transaction, on either driver. */
export function copyCsv(tx: Tx, copySql: string, body: string | Iterable<string>): Promise<void> {
  return driver(tx).copy(copySql, body);
}

export { csv as csvField };
