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

/** Inserts interactions that are not stored yet; returns how many were new. */
export async function copyRows(tx: Tx, installationId: string, _table: 'interactions', rows: readonly InteractionRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const body = rows
    .map((r) => [csv(r.externalId), r.fromPersonId, r.toPersonId, csv(r.kind), csv(pgArray(r.topics)), csv(r.sentiment), csv(r.occurredAt)].join(','))
    .join('\n');
  const d = driverOf(tx);
  const create = `CREATE TEMP TABLE IF NOT EXISTS ${TEMP} (external_id text, from_person_id bigint, to_person_id bigint, kind text, topics text[], sentiment real, occurred_at timestamptz) ON COMMIT DELETE ROWS`;
  const move = `INSERT INTO interactions (installation_id, ${COLUMNS}) SELECT $1, ${COLUMNS} FROM ${TEMP} ON CONFLICT (installation_id, external_id) DO NOTHING`;
  if (d.kind === 'pg') {
    const client = d.client as unknown as { query: (q: unknown, p?: unknown[]) => Promise<{ rowCount: number | null }> & NodeJS.WritableStream };
    await client.query(create);
    await client.query(`TRUNCATE ${TEMP}`);
    const stream = (d.client.query as (s: unknown) => NodeJS.WritableStream).call(d.client, copyFrom(`COPY ${TEMP} (${COLUMNS}) FROM STDIN (FORMAT csv)`));
    await pipeline(Readable.from([body]), stream);
    const res = await client.query(move, [installationId]);
    return res.rowCount ?? 0;
  }
  await d.client.query(create);
  await d.client.query(`TRUNCATE ${TEMP}`);
  await d.client.query(`COPY ${TEMP} (${COLUMNS}) FROM '/dev/blob' (FORMAT csv)`, [], { blob: new Blob([body]) });
  const res = await d.client.query(move, [installationId]);
  return res.affectedRows ?? 0;
}
