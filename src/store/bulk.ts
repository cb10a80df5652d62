/**
 * Bulk inserts through COPY, the fastest way into PostgreSQL: rows are streamed as CSV into a
 * per-connection temporary table, then moved with one INSERT … SELECT … ON CONFLICT DO
 * NOTHING (COPY itself cannot skip duplicates). Works inside the caller's transaction, on
 * node-postgres (pg-copy-streams) and on PGlite (COPY FROM '/dev/blob').
 *
 * Reaching the driver client of a drizzle transaction uses drizzle's internal `session.client`
 * (stable across 0.3x–0.45); it is confined to `driverOf` below.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
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

/** A PostgreSQL text[] literal. */
function pgArray(xs: readonly string[]): string {
  return `{${xs.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export interface InteractionRow {
  externalId: string;
  fromPersonId: number;
  toPersonId: number;
  kind: string;
  topics: readonly string[];
  sentiment: number | null;
  /** ISO 8601. */
  occurredAt: string;
}

const TEMP = 'sway_copy_interactions';
const COLUMNS = 'external_id, from_person_id, to_person_id, kind, topics, sentiment, occurred_at';

interface Driver {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[]; count: number }>;
  /** A body given as chunks streams to PostgreSQL while later chunks are still being made. */
  copy(text: string, body: string | Iterable<string>): Promise<void>;
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
      copy: (text, body) => pipeline(Readable.from(typeof body === 'string' ? [body] : body), client.query(copyFrom(text.replace('$SOURCE', 'STDIN')))),
    };
  }
  const client = d.client;
  return {
    query: async (text, params) => {
      const r = (await client.query(text, params)) as { rows?: Record<string, unknown>[]; affectedRows?: number };
      return { rows: r.rows ?? [], count: r.affectedRows ?? 0 };
    },
    copy: async (text, body) => {
      await client.query(text.replace('$SOURCE', "'/dev/blob'"), [], { blob: new Blob(typeof body === 'string' ? [body] : [...body]) });
    },
  };
}

function csvBody(rows: readonly InteractionRow[], installationId?: string): string {
  const lead = installationId ? `${installationId},` : '';
  let out = '';
  for (const r of rows) {
    out += `${lead}${csv(r.externalId)},${r.fromPersonId},${r.toPersonId},${csv(r.kind)},${csv(pgArray(r.topics))},${csv(r.sentiment)},${csv(r.occurredAt)}\n`;
  }
  return out;
}

/**
 * Inserts interactions that are not stored yet; returns how many were new. Fast path: look up
 * which externalIds exist, then COPY the rest straight into the table (one write per row).
 * If a concurrent batch stored one of them in between, the COPY fails on the unique index:
 * roll back to the savepoint and take the duplicate-safe path through a temporary table.
 */
export async function copyRows(tx: Tx, installationId: string, _table: 'interactions', rows: readonly InteractionRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const db = driver(tx);
  const existing = await db.query('SELECT external_id FROM interactions WHERE installation_id = $1 AND external_id = ANY($2::text[])', [
    installationId,
    rows.map((r) => r.externalId),
  ]);
  const seen = new Set(existing.rows.map((r) => r.external_id as string));
  const fresh = seen.size === 0 ? rows : rows.filter((r) => !seen.has(r.externalId));
  if (fresh.length === 0) return 0;
  await db.query('SAVEPOINT sway_copy');
  try {
    await db.copy(`COPY interactions (installation_id, ${COLUMNS}) FROM $SOURCE (FORMAT csv)`, csvBody(fresh, installationId));
    await db.query('RELEASE SAVEPOINT sway_copy');
    return fresh.length;
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err; // unique_violation only
    await db.query('ROLLBACK TO SAVEPOINT sway_copy');
  }
  await db.query(`CREATE TEMP TABLE IF NOT EXISTS ${TEMP} (external_id text, from_person_id bigint, to_person_id bigint, kind text, topics text[], sentiment real, occurred_at timestamptz) ON COMMIT DELETE ROWS`);
  await db.query(`TRUNCATE ${TEMP}`);
  await db.copy(`COPY ${TEMP} (${COLUMNS}) FROM $SOURCE (FORMAT csv)`, csvBody(fresh));
  const moved = await db.query(`INSERT INTO interactions (installation_id, ${COLUMNS}) SELECT $1, ${COLUMNS} FROM ${TEMP} ON CONFLICT (installation_id, external_id) DO NOTHING`, [installationId]);
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
