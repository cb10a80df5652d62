/**
 * Reads what matching needs straight from the store into typed arrays: people, prospects (CRM
 * contacts linked to people) and interactions. On PostgreSQL rows stream through
 * `COPY (SELECT …) TO STDOUT` and are parsed field by field (10M interactions without one JS
 * object per row); on PGlite — the embedded store of small installs — one query.
 *
 * COPY takes no bind parameters, so values are inlined: only an installation id checked to be
 * a UUID, and integers.
 */
import { Readable } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { parse as parsePgArray } from 'postgres-array';
import { to as copyTo } from 'pg-copy-streams';
import { INTERACTION_KINDS } from '../domain/signals.ts';
import type { EdgeColumns, TopicDictionary } from '../influence/graph.ts';
import { sql } from 'drizzle-orm';
import type { Db } from './db.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_S = 86_400;

export function uuidLiteral(id: string): string {
  if (!UUID.test(id)) throw new Error(`not an installation id: ${JSON.stringify(id)}`);
  return `'${id}'::uuid`;
}

/** `ARRAY[…]::bigint[]` of integers. */
export function idArrayLiteral(ids: Iterable<number>): string {
  const parts: string[] = [];
  for (const id of ids) {
    if (!Number.isSafeInteger(id)) throw new Error(`not an id: ${id}`);
    parts.push(String(id));
  }
  return `ARRAY[${parts.join(',')}]::bigint[]`;
}

/** The node-postgres pool behind a Db, or null on PGlite (one connection, no COPY TO STDOUT stream). */
export function pgPool(db: Db): pg.Pool | null {
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  return 'connect' in client && typeof (client as pg.Pool).totalCount === 'number' ? (client as pg.Pool) : null;
}

/**
 * Calls `onRow` with each row's fields as text (null for NULL), in order. Every column of
 * `select` must be cast to text so PGlite returns the same strings COPY does.
 */
export async function forEachRow(db: Db, select: string, onRow: (fields: (string | null)[]) => void): Promise<number> {
  const pool = pgPool(db);
  if (pool) {
    const conn = await pool.connect();
    let rows = 0;
    try {
      const stream = conn.query(copyTo(`COPY (${select}) TO STDOUT`)) as unknown as Readable;
      let rest = '';
      for await (const chunk of stream) {
        const text = rest + (chunk as Buffer).toString('utf8');
        let start = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
          onRow(splitCopyLine(text, start, nl));
          rows++;
          start = nl + 1;
        }
        rest = text.slice(start);
      }
    } finally {
      conn.release();
    }
    return rows;
  }
  const result = await pglite(db).query<unknown[]>(select, [], { rowMode: 'array' });
  for (const r of result.rows) onRow(r as (string | null)[]);
  return result.rows.length;
}

/**
 * Like forEachRow for a select of numbers and at most one text column (`textColumn`, -1 for
 * none): numbers are parsed straight from COPY's bytes into one reused array (NULL is NaN), so
 * 10M rows cost no per-row strings but the text column's. Why hand-written: the generic path
 * spends ~2.5 µs a row splitting strings, three times what PostgreSQL spends producing them.
 */
export async function forEachNumericRow(
  db: Db,
  select: string,
  columns: number,
  textColumn: number,
  onRow: (nums: Float64Array, text: string | null) => void,
): Promise<number> {
  const nums = new Float64Array(columns);
  const pool = pgPool(db);
  if (!pool) {
    const result = await pglite(db).query<unknown[]>(select, [], { rowMode: 'array' });
    for (const r of result.rows) {
      let text: string | null = null;
      for (let c = 0; c < columns; c++) {
        const v = r[c] as string | number | bigint | null;
        if (c === textColumn) text = v === null ? null : String(v);
        else nums[c] = v === null ? Number.NaN : Number(v);
      }
      onRow(nums, text);
    }
    return result.rows.length;
  }
  const conn = await pool.connect();
  let rows = 0;
  try {
    const stream = conn.query(copyTo(`COPY (${select}) TO STDOUT`)) as unknown as Readable;
    let rest: Buffer | null = null;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf: Buffer = rest ? Buffer.concat([rest, chunk]) : chunk;
      let at = 0;
      for (let nl = buf.indexOf(0x0a, at); nl !== -1; nl = buf.indexOf(0x0a, at)) {
        let text: string | null = null;
        let p = at;
        for (let c = 0; c < columns; c++) {
          let end = c === columns - 1 ? nl : buf.indexOf(0x09, p);
          if (end === -1 || end > nl) end = nl;
          const isNull = end - p === 2 && buf[p] === 0x5c && buf[p + 1] === 0x4e; // \N
          if (c === textColumn) {
            if (!isNull) {
              text = buf.toString('utf8', p, end);
              if (text.includes('\\')) text = unescapeCopy(text);
            }
          } else nums[c] = isNull ? Number.NaN : parseNumber(buf, p, end);
          p = end + 1;
        }
        onRow(nums, text);
        rows++;
        at = nl + 1;
      }
      rest = at < buf.length ? buf.subarray(at) : null;
    }
  } finally {
    conn.release();
  }
  return rows;
}

/** An integer or decimal as PostgreSQL prints it (no exponent for the columns selected here). */
function parseNumber(buf: Buffer, start: number, end: number): number {
  let p = start;
  let sign = 1;
  if (buf[p] === 0x2d) {
    sign = -1;
    p++;
  }
  let v = 0;
  while (p < end && buf[p] !== 0x2e) v = v * 10 + (buf[p++]! - 0x30);
  if (p < end) {
    let scale = 1;
    for (p++; p < end; p++) {
      v = v * 10 + (buf[p]! - 0x30);
      scale *= 10;
    }
    v /= scale;
  }
  return sign * v;
}

const pglite = (db: Db) => (db as unknown as { $client: PGlite }).$client;

/** One COPY text-format line into fields: tab separated, `\N` is NULL, backslash escapes. */
function splitCopyLine(text: string, start: number, end: number): (string | null)[] {
  const out: (string | null)[] = [];
  let at = start;
  for (;;) {
    let tab = text.indexOf('\t', at);
    if (tab === -1 || tab > end) tab = end;
    const field = text.slice(at, tab);
    out.push(field === '\\N' ? null : field.includes('\\') ? unescapeCopy(field) : field);
    if (tab === end) return out;
    at = tab + 1;
  }
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
function unescapeCopy(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

/** Topic list as PostgreSQL prints a text[] (`{crm,"marketing automation"}`). */
export function parseTopics(literal: string | null): string[] {
  if (!literal || literal === '{}') return [];
  return parsePgArray(literal) as string[];
}

/**
 * Interactions of an installation (optionally only those touching `touching` people, or only
 * those made by `from` people — then without topics or sentiment: two-hop reads neither) into `cols`. Endpoints outside `indexOf` are skipped (people
 * who joined after a snapshot). Topic lists are collected as combination ids in `cols.topics`;
 * call `finishTopics` once the dictionary is known.
 */
export async function loadInteractions(
  db: Db,
  installationId: string,
  cols: EdgeColumns,
  indexOf: (personId: number) => number,
  combos: TopicCombos,
  now: Date,
  filter: { touching?: Iterable<number>; from?: Iterable<number>; notTo?: Iterable<number> } = {},
): Promise<number> {
  let where = `installation_id = ${uuidLiteral(installationId)}`;
  // Out-edges for two-hop need only who, what kind and when: selecting just those lets the
  // covering index on from_person_id answer alone (migration 0009). Person ids belong to one
  // installation, so the installation test is implied there.
  let topicsCol = 'topics::text';
  let sentimentCol = 'round(sentiment * 10000)::int';
  if (filter.touching) {
    const a = idArrayLiteral(filter.touching);
    where += ` AND (from_person_id = ANY(${a}) OR to_person_id = ANY(${a}))`;
  } else if (filter.from) {
    where = `from_person_id = ANY(${idArrayLiteral(filter.from)})`;
    if (filter.notTo) where += ` AND NOT (to_person_id = ANY(${idArrayLiteral(filter.notTo)}))`;
    topicsCol = 'NULL::text';
    sentimentCol = 'NULL::int';
  }
  const nowS = now.getTime() / 1000;
  // Kinds as their index, sentiment as an integer (1e-4 steps): all numbers but the topic list.
  const kindCase = `CASE kind ${INTERACTION_KINDS.map((k, i) => `WHEN '${k}' THEN ${i}`).join(' ')} ELSE -1 END`;
  return forEachNumericRow(
    db,
    `SELECT from_person_id, to_person_id, ${kindCase}, ${topicsCol}, ${sentimentCol}, extract(epoch from occurred_at)::bigint FROM interactions WHERE ${where}`,
    6,
    3,
    (f, topicList) => {
      const from = indexOf(f[0]!);
      const to = indexOf(f[1]!);
      if (from < 0 || to < 0 || f[2]! < 0) return;
      cols.push(from, to, f[2]!, combos.id(topicList), f[4]! / 10_000, (nowS - f[5]!) / DAY_S);
    },
  );
}

/** Distinct topic lists seen while loading, counted, so each row parses its list at most once. */
export class TopicCombos {
  private readonly ids = new Map<string, number>();
  readonly lists: string[][] = [];
  readonly counts: number[] = [];
  id(literal: string | null): number {
    const key = literal ?? '{}';
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.lists.length;
      this.ids.set(key, id);
      this.lists.push(parseTopics(key));
      this.counts.push(0);
    }
    this.counts[id]!++;
    return id;
  }
  /** How often each topic occurs across the loaded rows. */
  frequencies(into = new Map<string, number>()): Map<string, number> {
    this.lists.forEach((list, id) => {
      for (const t of list) into.set(t, (into.get(t) ?? 0) + this.counts[id]!);
    });
    return into;
  }
  /** Replaces the combination ids in `cols.topics` by masks of `dict`. */
  finishTopics(cols: EdgeColumns, dict: TopicDictionary): void {
    const masks = Uint32Array.from(this.lists, (l) => dict.mask(l));
    for (let e = 0; e < cols.count; e++) cols.topics[e] = masks[cols.topics[e]!]!;
  }
}

export interface PersonRow {
  id: number;
  audience: number;
  topics: string[];
  industry: string | null;
  region: string | null;
  companySize: string | null;
  sentiment: number;
  advocate: boolean;
}

/** People of an installation, ascending id (all of them, or the given ids). */
export async function loadPeople(db: Db, installationId: string, onRow: (p: PersonRow) => void, ids?: Iterable<number>): Promise<number> {
  const only = ids ? ` AND id = ANY(${idArrayLiteral(ids)})` : '';
  return forEachRow(
    db,
    `SELECT id::text, audience_size::text, topics::text, industry, region, company_size, (metrics->>'brandSentiment'), (metrics->>'advocate')
     FROM people WHERE installation_id = ${uuidLiteral(installationId)}${only} ORDER BY id`,
    (f) =>
      onRow({
        id: Number(f[0]),
        audience: f[1] === null ? Number.NaN : Number(f[1]),
        topics: parseTopics(f[2] ?? null),
        industry: f[3] ?? null,
        region: f[4] ?? null,
        companySize: f[5] ?? null,
        sentiment: f[6] === null ? Number.NaN : Number(f[6]),
        advocate: f[7] === 'true',
      }),
  );
}

export interface LinkedContactRow {
  personId: number;
  crmId: string;
  lifecycleStage: string | null;
  industry: string | null;
  region: string | null;
  companySize: string | null;
  /** A closed-won deal is associated with this contact. */
  won: boolean;
  /** The CRM record changed, or the link was made, after `changedSince` (incremental runs). */
}

/** CRM contacts linked to people: the prospects, and (when they bought) customers. */
export async function loadLinkedContacts(
  db: Db,
  installationId: string,
  only: { changedSince: Date; touched: Iterable<number> } | { range: [number, number] } | null = null,
): Promise<LinkedContactRow[]> {
  const inst = uuidLiteral(installationId);
  let where = '';
  if (only && 'range' in only) {
    where = ` AND l.person_id BETWEEN ${Math.trunc(only.range[0])} AND ${Math.trunc(only.range[1])}`;
  } else if (only) {
    // Whole people (all their contacts), so the contact that stands for a person is the same
    // one a full run picks.
    const at = `to_timestamp(${only.changedSince.getTime() / 1000})`;
    where = ` AND l.person_id IN (
      SELECT l2.person_id FROM person_links l2
      JOIN crm_records r2 ON r2.installation_id = l2.installation_id AND r2.object_type = l2.object_type AND r2.crm_id = l2.crm_id
      WHERE l2.installation_id = ${inst} AND l2.object_type = 'contact' AND (r2.updated_at > ${at} OR l2.linked_at > ${at})
      UNION SELECT unnest(${idArrayLiteral(only.touched)}))`;
  }
  const out: LinkedContactRow[] = [];
  await forEachRow(
    db,
    `SELECT l.person_id::text, l.crm_id, r.lifecycle_stage, r.industry, r.region, r.company_size, (w.crm_id IS NOT NULL)::text
     FROM person_links l
     JOIN crm_records r ON r.installation_id = l.installation_id AND r.object_type = l.object_type AND r.crm_id = l.crm_id
     LEFT JOIN (SELECT DISTINCT unnest(contact_ids) AS crm_id FROM crm_deals WHERE installation_id = ${inst} AND closed_won) w ON w.crm_id = l.crm_id
     WHERE l.installation_id = ${inst} AND l.object_type = 'contact'${where}
     ORDER BY l.person_id, l.crm_id`,
    (f) =>
      out.push({
        personId: Number(f[0]),
        crmId: f[1]!,
        lifecycleStage: f[2] ?? null,
        industry: f[3] ?? null,
        region: f[4] ?? null,
        companySize: f[5] ?? null,
        won: f[6] === 'true',
      }),
  );
  return out;
}

/** How many people are linked to a CRM contact: the installation's prospects. */
export async function countProspects(db: Db, installationId: string): Promise<number> {
  let n = 0;
  await forEachRow(db, `SELECT count(DISTINCT person_id)::text FROM person_links WHERE installation_id = ${uuidLiteral(installationId)} AND object_type = 'contact'`, (f) => (n = Number(f[0])));
  return n;
}

/** People with interactions stored after `since` (either end). */
export async function peopleWithNewInteractions(db: Db, installationId: string, since: Date): Promise<Set<number>> {
  const out = new Set<number>();
  await forEachRow(
    db,
    `SELECT DISTINCT unnest(ARRAY[from_person_id, to_person_id])::text FROM interactions
     WHERE installation_id = ${uuidLiteral(installationId)} AND ingested_at > to_timestamp(${since.getTime() / 1000})`,
    (f) => out.add(Number(f[0])),
  );
  return out;
}

/** People of the installation with an id above `afterId` (ids are serial: those created since). */
export async function peopleAfter(db: Db, installationId: string, afterId: number): Promise<number[]> {
  const out: number[] = [];
  await forEachRow(db, `SELECT id::text FROM people WHERE installation_id = ${uuidLiteral(installationId)} AND id > ${Math.trunc(afterId)} ORDER BY id`, (f) => out.push(Number(f[0])));
  return out;
}

/** How many people the installation has. */
export async function countPeople(db: Db, installationId: string): Promise<number> {
  let n = 0;
  await forEachRow(db, `SELECT count(*)::text FROM people WHERE installation_id = ${uuidLiteral(installationId)}`, (f) => (n = Number(f[0])));
  return n;
}

/** Display names (name, else the caller's external id) of the given people. */
export async function personNames(db: Db, installationId: string, ids: Iterable<number>): Promise<Map<number, { name: string; audience: number | null }>> {
  const out = new Map<number, { name: string; audience: number | null }>();
  await forEachRow(
    db,
    `SELECT id::text, coalesce(name, external_id), audience_size::text FROM people WHERE installation_id = ${uuidLiteral(installationId)} AND id = ANY(${idArrayLiteral(ids)})`,
    (f) => out.set(Number(f[0]), { name: f[1]!, audience: f[2] === null ? null : Number(f[2]) }),
  );
  return out;
}

/** A person's conversations aggregated (per topic, or over all of them when `topic` is null in `totals`). */
export interface ConversationAggregate {
  personId: number;
  topic: string | null;
  count: number;
  positiveCount: number;
  mass: number;
  positiveMass: number;
  sentimentSum: number;
  sentimentCount: number;
  lastAgeDays: number;
}

/**
 * Brand conversations (src/matching/evidence.ts) summed in PostgreSQL per (person, topic) and
 * per person: a few rows per person instead of every review. Each conversation weighs
 * 0.5^(age / halfLifeDays), like an interaction; positive = sentiment > 0. All people, or `ids`.
 */
export async function loadConversationAggregates(
  db: Db,
  installationId: string,
  now: Date,
  halfLifeDays: number,
  ids?: Iterable<number>,
): Promise<{ byTopic: ConversationAggregate[]; totals: ConversationAggregate[] }> {
  const only = ids ? ` AND person_id = ANY(${idArrayLiteral(ids)})` : '';
  const nowS = now.getTime() / 1000;
  const age = `greatest(0, ${nowS} - extract(epoch from occurred_at)) / ${DAY_S}`;
  const base = `SELECT person_id, topics, sentiment, ${age} AS age, power(0.5, ${age} / ${Number(halfLifeDays)}) AS w
    FROM conversations WHERE installation_id = ${uuidLiteral(installationId)}${only}`;
  const sums = `count(*)::text, count(*) FILTER (WHERE sentiment > 0)::text, sum(w)::text, coalesce(sum(w) FILTER (WHERE sentiment > 0), 0)::text,
    coalesce(sum(sentiment), 0)::text, count(sentiment)::text, min(age)::text`;
  const read = (into: ConversationAggregate[]) => (f: (string | null)[]) =>
    into.push({
      personId: Number(f[0]),
      topic: f[1] ?? null,
      count: Number(f[2]),
      positiveCount: Number(f[3]),
      mass: Number(f[4]),
      positiveMass: Number(f[5]),
      sentimentSum: Number(f[6]),
      sentimentCount: Number(f[7]),
      lastAgeDays: Number(f[8]),
    });
  const byTopic: ConversationAggregate[] = [];
  const totals: ConversationAggregate[] = [];
  await forEachRow(db, `SELECT person_id::text, topic, ${sums} FROM (${base}) c CROSS JOIN LATERAL unnest(c.topics) AS t(topic) GROUP BY person_id, topic`, read(byTopic));
  await forEachRow(db, `SELECT person_id::text, NULL::text, ${sums} FROM (${base}) c GROUP BY person_id`, read(totals));
  return { byTopic, totals };
}

/** One person's brand conversations as the score job needs them. */
export interface ConversationSummary {
  count: number;
  /** In the 30 days before `now`. */
  recent: number;
  sentimentSum: number;
  sentimentCount: number;
  /** Epoch ms of the latest. */
  lastAt: number;
  /** Topic → how many of their conversations carry it. */
  topics: Map<string, number>;
}

/** Brand conversations summed per person (and per topic) in PostgreSQL, for the score job. */
export async function conversationsForScoring(db: Db, installationId: string, now: Date): Promise<Map<number, ConversationSummary>> {
  const out = new Map<number, ConversationSummary>();
  const inst = uuidLiteral(installationId);
  const since = `to_timestamp(${(now.getTime() - 30 * DAY_S * 1000) / 1000})`;
  await forEachRow(
    db,
    `SELECT person_id::text, count(*)::text, count(*) FILTER (WHERE occurred_at >= ${since})::text, coalesce(sum(sentiment), 0)::text, count(sentiment)::text,
       (extract(epoch from max(occurred_at)) * 1000)::bigint::text
     FROM conversations WHERE installation_id = ${inst} GROUP BY person_id`,
    (f) => out.set(Number(f[0]), { count: Number(f[1]), recent: Number(f[2]), sentimentSum: Number(f[3]), sentimentCount: Number(f[4]), lastAt: Number(f[5]), topics: new Map() }),
  );
  await forEachRow(db, `SELECT person_id::text, topic, count(*)::text FROM conversations CROSS JOIN LATERAL unnest(topics) AS t(topic) WHERE installation_id = ${inst} GROUP BY person_id, topic`, (f) =>
    out.get(Number(f[0]))?.topics.set(f[1]!, Number(f[2])),
  );
  return out;
}

/** Rows written in one go (an import, a pull) after which analyzeMatchInputs runs. */
export const ANALYZE_AFTER_ROWS = 1_000;

/**
 * Refreshes the planner's statistics of the tables a match run reads. After a large import the
 * statistics still describe nearly empty tables, and the run's contacts query (loadLinkedContacts)
 * took a nested-loop plan: 36–58 s for 7,000 people instead of seconds (issue 11). Autovacuum
 * catches up only later; ANALYZE samples a fixed number of rows, so it takes about a second.
 */
export async function analyzeMatchInputs(db: Db): Promise<void> {
  await db.execute(sql.raw('ANALYZE people, person_links, crm_records, crm_deals, interactions, conversations'));
}
