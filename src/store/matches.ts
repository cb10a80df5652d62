/**
 * Stored matches (top-k influencers per prospect) and the match snapshot. A run replaces the
 * matches of the prospects it scored in one transaction — all of an installation's for a full
 * run — so readers never see a half-written set, and a retried run writes the same rows.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { copyCsv, csvField } from './bulk.ts';
import type { Db } from './db.ts';
import { idArrayLiteral, pgPool, uuidLiteral } from './graph-load.ts';
import { to as copyTo } from 'pg-copy-streams';
import { matchSnapshots } from './schema.ts';
import { parse as parsePgArray } from 'postgres-array';
import { COMPONENTS } from '../matching/weights.ts';

export interface MatchRow {
  personId: number;
  rank: number;
  influencerId: number;
  stage: string;
  score: number;
  /** Component → { value 0..1, contribution to the score }. */
  components: Record<string, { value: number; contribution: number }>;
  reason: string;
}

const COLUMNS = 'installation_id, person_id, rank, influencer_id, stage, score, component_values, component_contributions, reason, computed_at';
/** Rows per chunk of the one COPY stream: the next chunk is built while PostgreSQL takes this one. */
const WRITE_ROWS = 10_000;

/** `{0.5,0,…}` in COMPONENTS order, quoted for CSV. */
const realArray = (m: MatchRow, key: 'value' | 'contribution') => `"{${COMPONENTS.map((c) => m.components[c]?.[key] ?? 0).join(',')}}"`;

/** The components object back from the two arrays (PGlite and node-postgres parse real[] to numbers). */
function componentsOf(values: unknown, contributions: unknown): MatchRow['components'] {
  const v = asNumbers(values);
  const c = asNumbers(contributions);
  return Object.fromEntries(COMPONENTS.map((name, i) => [name, { value: v[i] ?? 0, contribution: c[i] ?? 0 }]));
}
const asNumbers = (a: unknown): number[] => (Array.isArray(a) ? a.map(Number) : typeof a === 'string' ? parsePgArray(a).map(Number) : []);

function* csvChunks(installationId: string, rows: readonly MatchRow[], at: string, kept: ReadonlyMap<number, string>): Generator<string> {
  for (let i = 0; i < rows.length; i += WRITE_ROWS) {
    let body = '';
    for (let k = i; k < Math.min(i + WRITE_ROWS, rows.length); k++) {
      const r = rows[k]!;
      body += `${installationId},${r.personId},${r.rank},${r.influencerId},${csvField(r.stage)},${r.score},${realArray(r, 'value')},${realArray(r, 'contribution')},${csvField(r.reason)},${kept.get(r.personId) ?? at}\n`;
    }
    yield body;
  }
}

/**
 * What the push shows of a prospect's top match (src/jobs/push.ts contactValues): the influencer,
 * the stage, the reason and the score at 0.1 on the 0–100 scale. The reason is compared by its
 * MD5 so a full run reads 32 bytes per prospect, not the whole line.
 */
const topKey = (influencerId: number, stage: string, score: number, reasonMd5: string) => `${influencerId}|${stage}|${Math.round(score * 1000)}|${reasonMd5}`;

/**
 * Prospects whose new top match is the one already stored (same key) keep the stored time.
 * Without this every run stamped a new matched-at time (the `matchedAt` field) on every prospect it scored, so the
 * push re-sent unchanged matches, each write bumped the CRM's last-modified time, and the next
 * pull re-read those contacts (issue 10, item 7). Returns person id → the kept ISO time.
 */
async function unchangedTopMatches(tx: Parameters<Parameters<Db['transaction']>[0]>[0], installationId: string, scope: 'all' | readonly number[], rows: readonly MatchRow[]): Promise<Map<number, string>> {
  const kept = new Map<number, string>();
  if (rows.length === 0 || (scope !== 'all' && scope.length === 0)) return kept;
  const result = await tx.execute(
    sql.raw(`SELECT person_id, influencer_id, stage, score, md5(reason) AS reason_md5, computed_at FROM matches
      WHERE installation_id = '${installationId}'::uuid AND rank = 1${scope === 'all' ? '' : ` AND person_id = ANY(${idArrayLiteral(scope)})`}`),
  );
  type Prev = { person_id: string | number; influencer_id: string | number; stage: string; score: string | number; reason_md5: string; computed_at: string | Date };
  const prev = new Map<number, { key: string; at: string }>();
  for (const r of rowsOf<Prev>(result)) {
    prev.set(Number(r.person_id), { key: topKey(Number(r.influencer_id), r.stage, Number(r.score), r.reason_md5), at: new Date(r.computed_at).toISOString() });
  }
  for (const r of rows) {
    if (r.rank !== 1) continue;
    const old = prev.get(r.personId);
    if (old && old.key === topKey(r.influencerId, r.stage, r.score, createHash('md5').update(r.reason).digest('hex'))) kept.set(r.personId, old.at);
  }
  return kept;
}

/**
 * Replaces the matches of `scope` ('all' of the installation, or these prospects) by `rows`;
 * a full run ('all') also drops matches of people no longer linked to a CRM contact. A prospect
 * whose top match did not change (influencer, stage, reason, score as pushed) keeps its stored
 * `computed_at` on all its rows; the others get `computedAt`.
 * `snapshot`: a full run's snapshot, saved in the same transaction, so the matches and the
 * snapshot they came from become visible together — a run killed before this commit leaves
 * the old snapshot, and the retry is full again (issue 17: a snapshot saved first made the
 * retry incremental over matches never written).
 */
export async function replaceMatches(
  db: Db,
  installationId: string,
  scope: 'all' | readonly number[],
  rows: readonly MatchRow[],
  computedAt: Date,
  snapshot?: { data: Buffer; computedAt: Date },
): Promise<void> {
  await db.transaction(async (tx) => {
    const kept = await unchangedTopMatches(tx, installationId, scope, rows);
    if (snapshot) await saveSnapshot(tx as unknown as Db, installationId, snapshot.data, snapshot.computedAt);
    if (scope === 'all') {
      await tx.execute(sql`DELETE FROM matches WHERE installation_id = ${installationId}`);
    } else if (scope.length > 0) {
      await tx.execute(sql.raw(`DELETE FROM matches WHERE installation_id = '${installationId}'::uuid AND person_id = ANY(${idArrayLiteral(scope)})`));
    }
    if (rows.length > 0) await copyCsv(tx, `COPY matches (${COLUMNS}) FROM $SOURCE (FORMAT csv)`, csvChunks(installationId, rows, computedAt.toISOString(), kept));
    // Matches of people no longer linked to a contact: every reader joins the links, so they are
    // invisible, and a full run (at least daily) sweeps them; an incremental run skips this scan
    // of every match row (~1.4 s at 750k rows).
    if (scope === 'all') {
      await tx.execute(sql`
        DELETE FROM matches m WHERE m.installation_id = ${installationId}
          AND NOT EXISTS (SELECT 1 FROM person_links l WHERE l.installation_id = m.installation_id AND l.person_id = m.person_id AND l.object_type = 'contact')`);
    }
  });
}

export interface StoredMatch {
  rank: number;
  stage: string;
  score: number;
  components: MatchRow['components'];
  reason: string;
  computedAt: Date;
  influencer: { id: string; name: string | null; audienceSize: number | null; handles: { network: string; handle: string }[] };
}

/** The matches of the person linked to a CRM contact, best first; null when the contact is not linked. */
export async function matchesForContact(db: Db, installationId: string, crmId: string): Promise<{ personId: string; matches: StoredMatch[] } | null> {
  const link = await db.execute<{ person_id: string | number; external_id: string }>(sql`
    SELECT l.person_id, p.external_id FROM person_links l JOIN people p ON p.id = l.person_id
    WHERE l.installation_id = ${installationId} AND l.object_type = 'contact' AND l.crm_id = ${crmId} LIMIT 1`);
  const first = rowsOf<{ person_id: string | number; external_id: string }>(link)[0];
  if (!first) return null;
  const result = await db.execute<Record<string, unknown>>(sql`
    SELECT m.rank, m.stage, m.score, m.component_values, m.component_contributions, m.reason, m.computed_at, p.external_id, p.name, p.audience_size,
           coalesce((SELECT json_agg(json_build_object('network', h.network, 'handle', h.handle) ORDER BY h.network, h.handle)
                     FROM person_handles h WHERE h.person_id = p.id), '[]'::json) AS handles
    FROM matches m JOIN people p ON p.id = m.influencer_id
    WHERE m.installation_id = ${installationId} AND m.person_id = ${Number(first.person_id)}
    ORDER BY m.rank`);
  return { personId: first.external_id, matches: rowsOf<Record<string, unknown>>(result).map(toStoredMatch) };
}

function toStoredMatch(r: Record<string, unknown>): StoredMatch {
  return {
    rank: Number(r.rank),
    stage: String(r.stage),
    score: Number(r.score),
    components: componentsOf(r.component_values, r.component_contributions),
    reason: String(r.reason),
    computedAt: new Date(r.computed_at as string),
    influencer: {
      id: String(r.external_id),
      name: (r.name as string | null) ?? null,
      audienceSize: r.audience_size === null ? null : Number(r.audience_size),
      handles: (typeof r.handles === 'string' ? JSON.parse(r.handles) : r.handles) as { network: string; handle: string }[],
    },
  };
}

/** Every stored match with the prospect's CRM id, for export; in CRM id then rank order. */
export async function allMatches(db: Db, installationId: string): Promise<Record<string, unknown>[]> {
  const result = await db.execute<Record<string, unknown>>(sql`
    SELECT l.crm_id, pp.external_id AS prospect_id, m.stage, m.rank, ip.external_id AS influencer_id, ip.name AS influencer_name,
           m.score, m.component_values, m.reason, m.computed_at
    FROM matches m
    JOIN person_links l ON l.installation_id = m.installation_id AND l.person_id = m.person_id AND l.object_type = 'contact'
    JOIN people pp ON pp.id = m.person_id
    JOIN people ip ON ip.id = m.influencer_id
    WHERE m.installation_id = ${installationId}
    ORDER BY l.crm_id, m.rank`);
  return rowsOf<Record<string, unknown>>(result);
}

/** The best match per prospect person (rank 1) with the influencer's display name, for the push job. */
export interface BestMatch {
  influencer: string;
  score: number;
  reason: string;
  stage: string;
  computedAt: Date;
}

export async function bestMatches(db: Db, installationId: string): Promise<Map<number, BestMatch>> {
  const result = await db.execute<Record<string, unknown>>(sql`
    SELECT m.person_id, coalesce(p.name, p.external_id) AS influencer, m.score, m.reason, m.stage, m.computed_at
    FROM matches m JOIN people p ON p.id = m.influencer_id
    WHERE m.installation_id = ${installationId} AND m.rank = 1`);
  return new Map(
    rowsOf<Record<string, unknown>>(result).map((r) => [
      Number(r.person_id),
      { influencer: String(r.influencer), score: Number(r.score), reason: String(r.reason), stage: String(r.stage), computedAt: new Date(r.computed_at as string) },
    ]),
  );
}

export async function saveSnapshot(db: Db, installationId: string, data: Buffer, computedAt: Date): Promise<void> {
  await db
    .insert(matchSnapshots)
    .values({ installationId, computedAt, data })
    .onConflictDoUpdate({ target: matchSnapshots.installationId, set: { computedAt, data } });
}

/**
 * When the last full run computed the snapshot and the first bytes of it up to the end of its
 * JSON header (src/matching/snapshot.ts: a little-endian uint32 length, then the header), for
 * deciding on a run without reading the ~48 MB of arrays. Null when there is none.
 */
export async function snapshotHead(db: Db, installationId: string): Promise<{ computedAt: Date; head: Buffer } | null> {
  const r = await db.execute<{ computed_at: string | Date; head: Buffer | Uint8Array }>(sql`
    SELECT computed_at, substring(data from 1 for 4 + get_byte(data, 0) + (get_byte(data, 1) << 8) + (get_byte(data, 2) << 16) + (get_byte(data, 3) << 24)) AS head
    FROM match_snapshots WHERE installation_id = ${installationId}`);
  const row = rowsOf<{ computed_at: string | Date; head: Buffer | Uint8Array }>(r)[0];
  return row ? { computedAt: new Date(row.computed_at), head: Buffer.from(row.head) } : null;
}

/** When the last full run computed the snapshot, or null when there is none. */
export async function snapshotTime(db: Db, installationId: string): Promise<Date | null> {
  const [row] = await db.select({ at: matchSnapshots.computedAt }).from(matchSnapshots).where(eq(matchSnapshots.installationId, installationId));
  return row?.at ?? null;
}

export async function loadSnapshot(db: Db, installationId: string): Promise<{ computedAt: Date; data: Buffer } | null> {
  const client = pgPool(db);
  if (client) {
    // node-postgres reads bytea as hex text: ~3 s for 48 MB. COPY … (FORMAT binary) streams the
    // raw bytes instead; the format is a 19-byte header, then per row an int16 field count and
    // per field an int32 length and the bytes.
    const head = await client.query<{ at: Date }>('SELECT computed_at AS at FROM match_snapshots WHERE installation_id = $1', [installationId]);
    if (head.rows.length === 0) return null;
    const conn = await client.connect();
    let broken: Error | undefined;
    try {
      const chunks: Buffer[] = [];
      const stream = conn.query(copyTo(`COPY (SELECT data FROM match_snapshots WHERE installation_id = ${uuidLiteral(installationId)}) TO STDOUT (FORMAT binary)`));
      for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
      const all = Buffer.concat(chunks);
      if (all.length < 25 || all.readInt16BE(19) !== 1) return null; // deleted in between
      const len = all.readInt32BE(21);
      return { computedAt: head.rows[0]!.at, data: all.subarray(25, 25 + len) };
    } catch (err) {
      broken = err as Error;
      throw err;
    } finally {
      conn.release(broken); // a connection that failed mid-COPY is destroyed, not reused
    }
  }
  const [row] = await db.select().from(matchSnapshots).where(and(eq(matchSnapshots.installationId, installationId)));
  return row ? { computedAt: row.computedAt, data: Buffer.from(row.data) } : null;
}

/** Prospects (linked people) holding at least one stored match. */
export async function countMatchedProspects(db: Db, installationId: string): Promise<number> {
  const r = await db.execute<{ n: string | number }>(sql`
    SELECT count(DISTINCT m.person_id) AS n FROM matches m
    JOIN person_links l ON l.installation_id = m.installation_id AND l.person_id = m.person_id AND l.object_type = 'contact'
    WHERE m.installation_id = ${installationId}`);
  return Number(rowsOf<{ n: string | number }>(r)[0]?.n ?? 0);
}

/** node-postgres returns { rows }, PGlite too; drizzle passes either through from execute(). */
function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}
