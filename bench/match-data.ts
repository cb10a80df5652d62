/**
 * Synthetic data for bench:match, written straight into PostgreSQL by COPY: people, interactions,
 * CRM contacts linked to people (the prospects) and deals. The graph is skewed the way social
 * data is, because PageRank and scoring cost depend on it: people sit in communities that share
 * one or two topics, most engagement stays inside the community, and both activity and
 * popularity are heavy-tailed (a few people receive a large share of all interactions).
 *
 * Everything is a pure function of the options and a seed, so two runs generate the same data.
 * Rows are produced in chunks and streamed: 10M interactions never exist as one string.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { mulberry32 } from '../src/domain/prng.ts';

export interface MatchDataOptions {
  people: number;
  interactions: number;
  topics: number;
  prospects: number;
  seed?: number;
}

export interface MatchData {
  /** people.id = idBase + 1 + dense index (ids are assigned here, then the sequence is moved past them). */
  idBase: number;
  communities: number;
  customers: number;
  deals: number;
  seconds: Record<string, number>;
}

const TOPIC_NAMES = [
  'crm', 'revops', 'marketing automation', 'sales enablement', 'analytics', 'ai', 'customer success',
  'demand gen', 'seo', 'content marketing', 'abm', 'email marketing', 'product-led growth', 'martech',
  'data privacy', 'sales ops', 'partnerships', 'events', 'social selling', 'pricing',
];
const INDUSTRIES = ['software', 'financial services', 'healthcare', 'retail', 'manufacturing', 'education', 'media', 'logistics', 'real estate', 'consulting', 'telecom', 'energy'];
const REGIONS = ['north america', 'north america', 'north america', 'emea', 'emea', 'uk', 'dach', 'apac', 'latam', 'anz'];
const SIZES = ['1-10', '11-50', '11-50', '51-200', '51-200', '201-1000', '1001-5000', '5000+'];
const FIRST = ['Dana', 'Sam', 'Alex', 'Priya', 'Jordan', 'Mei', 'Lucas', 'Amara', 'Noah', 'Sofia', 'Omar', 'Elena', 'Kenji', 'Zara', 'Liam', 'Ines'];
const LAST = ['Reyes', 'Chen', 'Novak', 'Okafor', 'Schmidt', 'Rossi', 'Kim', 'Patel', 'Larsen', 'Haddad', 'Silva', 'Dubois', 'Walsh', 'Ivanova', 'Tanaka', 'Moreau'];
/** Kinds with realistic frequencies: likes dominate, referrals and reviews are rare. */
const KIND_MIX: [string, number][] = [['like', 40], ['reply', 15], ['mention', 15], ['share', 12], ['follow', 12], ['review', 3], ['referral', 3]];
/** HubSpot lifecycle stages, funnel-shaped. */
const STAGE_MIX: [string, number][] = [['subscriber', 20], ['lead', 30], ['marketingqualifiedlead', 18], ['salesqualifiedlead', 10], ['opportunity', 8], ['customer', 10], ['evangelist', 4]];
export const NEXT_STAGE: Record<string, string> = {
  subscriber: 'lead', lead: 'marketingqualifiedlead', marketingqualifiedlead: 'salesqualifiedlead',
  salesqualifiedlead: 'opportunity', opportunity: 'customer', customer: 'evangelist', evangelist: 'customer',
};

const DAY_MS = 86_400_000;
const CHUNK_ROWS = 8_192;

export function topicNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => TOPIC_NAMES[i] ?? `topic ${i + 1}`);
}

export const rng = mulberry32;

/** A stateless hash of (i, salt) into [0, 1): per-person attributes both tables can recompute. */
function hash01(i: number, salt: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x27d4eb2f, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function picker(mix: [string, number][]): (u: number) => string {
  const total = mix.reduce((s, [, w]) => s + w, 0);
  const cum = mix.map(([, w], i) => mix.slice(0, i + 1).reduce((s, [, x]) => s + x, 0) / total);
  return (u) => mix[cum.findIndex((c) => u < c)]?.[0] ?? mix.at(-1)![0];
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** A multiplier coprime to n, so j ↦ j·a mod n is a bijection (a cheap "shuffle" of ids). */
function coprime(n: number, start: number): number {
  let a = start % n || 1;
  while (gcd(a, n) !== 1) a++;
  return a;
}

/** Array literal for a COPY text field (names with spaces are quoted). */
const arrayLiteral = (items: string[]) => `{${items.map((t) => (/^[a-z0-9-]+$/.test(t) ? t : `"${t}"`)).join(',')}}`;

/**
 * The structure, shared by all tables. Popularity rank j (0 = most popular) maps to a person by
 * a multiplicative shuffle, so popular people are spread over the id range like real ids
 * assigned in arrival order; community = j mod C, rank inside the community = floor(j / C).
 */
class World {
  readonly n: number;
  readonly c: number;
  private readonly a: number;
  private readonly act: number;
  readonly rankOf: Int32Array;
  readonly topicA: Int32Array;
  readonly topicB: Int32Array;
  readonly industry: Int32Array;
  constructor(n: number, topics: number) {
    this.n = n;
    this.c = Math.max(4, Math.round(n / 5_000));
    this.a = coprime(n, 2_654_435_761);
    this.act = coprime(n, 40_503);
    this.rankOf = new Int32Array(n);
    for (let j = 0; j < n; j++) this.rankOf[this.person(j)] = j;
    this.topicA = new Int32Array(this.c);
    this.topicB = new Int32Array(this.c);
    this.industry = new Int32Array(this.c);
    for (let k = 0; k < this.c; k++) {
      // Topic popularity is skewed too: early topics host more communities.
      this.topicA[k] = Math.floor(topics * hash01(k, 1) ** 2);
      this.topicB[k] = topics > 1 ? (this.topicA[k]! + 1 + Math.floor(hash01(k, 2) * (topics - 1))) % topics : 0;
      this.industry[k] = Math.floor(hash01(k, 3) * INDUSTRIES.length);
    }
  }
  person(j: number): number {
    return (j * this.a) % this.n;
  }
  community(p: number): number {
    return this.rankOf[p]! % this.c;
  }
  /** The engaging person: activity is heavy-tailed too, shuffled differently from popularity. */
  active(u: number): number {
    return (Math.floor(this.n * u * u) * this.act + 7) % this.n;
  }
  /** Someone popular in community k (P(rank < x·size) = x^(1/3)). */
  popularIn(k: number, u: number): number {
    const size = Math.floor((this.n - 1 - k) / this.c) + 1;
    return this.person(Math.min(size - 1, Math.floor(size * u * u * u)) * this.c + k);
  }
  popular(u: number): number {
    return this.person(Math.floor(this.n * u * u * u));
  }
  attrs(p: number) {
    const k = this.community(p);
    const ind = hash01(p, 11) < 0.7 ? this.industry[k]! : Math.floor(hash01(p, 12) * INDUSTRIES.length);
    return {
      industry: hash01(p, 13) < 0.65 ? INDUSTRIES[ind]! : null,
      region: hash01(p, 14) < 0.65 ? REGIONS[Math.floor(hash01(p, 15) * REGIONS.length)]! : null,
      companySize: hash01(p, 16) < 0.6 ? SIZES[Math.floor(hash01(p, 17) * SIZES.length)]! : null,
    };
  }
}

/** COPY `rows` (a generator of text-format lines, batched into chunks) into `target`. */
async function copyLines(pool: pg.Pool, target: string, lines: Iterable<string>, options = ''): Promise<void> {
  const client = await pool.connect();
  try {
    if (options.includes('FREEZE')) await client.query('BEGIN');
    // COPY FREEZE needs the table created or truncated in the same transaction; the schema is
    // the bench's own and fresh, so truncating the empty table is harmless.
    if (options.includes('FREEZE')) await client.query(`TRUNCATE ${target.split(' ')[0]}`);
    await pipeline(Readable.from(chunked(lines)), client.query(copyFrom(`COPY ${target} FROM STDIN ${options}`)));
    if (options.includes('FREEZE')) await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

function* chunked(lines: Iterable<string>): Generator<string> {
  let buf = '';
  let rows = 0;
  for (const l of lines) {
    buf += l;
    if (++rows === CHUNK_ROWS) {
      yield buf;
      buf = '';
      rows = 0;
    }
  }
  if (buf) yield buf;
}

/** Secondary indexes of a table (not those behind constraints), to drop before a bulk load. */
async function secondaryIndexes(pool: pg.Pool, table: string): Promise<{ name: string; def: string }[]> {
  const { rows } = await pool.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes
     WHERE schemaname = current_schema() AND tablename = $1
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass)`,
    [table],
  );
  return rows;
}

export async function generateMatchData(pool: pg.Pool, installationId: string, o: MatchDataOptions, log: (s: string) => void): Promise<MatchData> {
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    seconds[name] = Math.round(now - t) / 1000;
    t = now;
  };
  const seed = o.seed ?? 42;
  const world = new World(o.people, o.topics);
  const topics = topicNames(o.topics);
  const now = Date.now();

  // People: ids assigned here so interactions can reference them without reading 1M ids back.
  const idBase = Number((await pool.query('SELECT coalesce(max(id), 0) AS m FROM people')).rows[0].m);
  log(`people: ${o.people.toLocaleString()}…`);
  await copyLines(
    pool,
    'people (id, installation_id, external_id, name, audience_size, topics, industry, region, company_size)',
    (function* () {
      for (let p = 0; p < o.people; p++) {
        const j = world.rankOf[p]!;
        const k = j % world.c;
        // Audience follows popularity (with noise): the rank-1 person has millions, the median a few dozen.
        const audience = hash01(p, 21) < 0.35 ? String(Math.round(10 * (o.people / (j + 1)) ** 0.9 * (0.5 + hash01(p, 22)))) : '\\N';
        const declared = hash01(p, 23) < 0.4 ? arrayLiteral(hash01(p, 24) < 0.5 ? [topics[world.topicA[k]!]!] : [topics[world.topicA[k]!]!, topics[world.topicB[k]!]!]) : '{}';
        const a = world.attrs(p);
        yield `${idBase + 1 + p}\t${installationId}\tp${p}\t${FIRST[p % 16]} ${LAST[(p >>> 4) % 16]}\t${audience}\t${declared}\t${a.industry ?? '\\N'}\t${a.region ?? '\\N'}\t${a.companySize ?? '\\N'}\n`;
      }
    })(),
  );
  await pool.query(`SELECT setval(pg_get_serial_sequence('people', 'id'), $1)`, [idBase + o.people]);
  lap('people');

  // Interactions: secondary indexes are dropped and rebuilt after the load — one sort per index
  // is several times cheaper than 10M random B-tree inserts — from their own definitions, so
  // the schema ends exactly as the migrations made it.
  const indexes = await secondaryIndexes(pool, 'interactions');
  for (const ix of indexes) await pool.query(`DROP INDEX "${ix.name}"`);
  log(`interactions: ${o.interactions.toLocaleString()} (${world.c} communities, ${o.topics} topics)…`);
  const single = topics.map((x) => arrayLiteral([x]));
  const pair = topics.map((x) => topics.map((y) => arrayLiteral(x === y ? [x] : [x, y])));
  const kindOf = picker(KIND_MIX);
  const kinds = Array.from({ length: 1000 }, (_, i) => kindOf(i / 1000));
  const sentiments = Array.from({ length: 21 }, (_, i) => ((i - 10) / 10).toFixed(1));
  // Minute-resolution timestamps, precomputed: toISOString per row would cost seconds at 10M.
  const minutes = 365 * 24 * 60;
  const stamps = Array.from({ length: minutes }, (_, m) => new Date(now - (m + 1) * 60_000).toISOString());
  const r = rng(seed);
  const progressEvery = Math.max(1, Math.floor(o.interactions / 10));
  await copyLines(
    pool,
    'interactions (installation_id, external_id, from_person_id, to_person_id, kind, topics, sentiment, occurred_at)',
    (function* () {
      for (let i = 0; i < o.interactions; i++) {
        const from = world.active(r());
        const k = world.community(from);
        // 75% of engagement stays in the community, the rest goes to globally popular people.
        let to = r() < 0.75 ? world.popularIn(k, r()) : world.popular(r());
        if (to === from) to = (to + 1) % o.people;
        const u = r();
        const ta = world.topicA[k]!;
        const tb = world.topicB[k]!;
        const tl = u < 0.7 ? single[ta]! : u < 0.85 ? single[tb]! : u < 0.95 ? pair[ta]![tb]! : single[Math.floor(r() * o.topics)]!;
        const s = r();
        const sentiment = s < 0.3 ? '\\N' : sentiments[Math.floor(5 + (14 * (s - 0.3)) / 0.7)]!; // -0.5..0.8, mostly mildly positive
        const age = r();
        yield `${installationId}\ti${i}\t${idBase + 1 + from}\t${idBase + 1 + to}\t${kinds[Math.floor(r() * 1000)]}\t${tl}\t${sentiment}\t${stamps[Math.floor(minutes * age * Math.sqrt(age))]}\n`;
        if ((i + 1) % progressEvery === 0) log(`  ${(i + 1).toLocaleString()} interactions`);
      }
    })(),
    '(FREEZE)',
  );
  lap('interactions');
  log(`interactions: rebuilding ${indexes.length} indexes…`);
  // Two at a time (two connections): index builds are CPU-bound sorts.
  const queue = [...indexes];
  await Promise.all(
    [0, 1].map(async () => {
      const c = await pool.connect();
      try {
        await c.query(`SET maintenance_work_mem = '1GB'`);
        for (let ix = queue.shift(); ix; ix = queue.shift()) await c.query(ix.def);
      } finally {
        c.release();
      }
    }),
  );
  lap('indexes');

  // Prospects: CRM contacts on a shuffled subset of people, linked by email.
  log(`prospects: ${o.prospects.toLocaleString()} contacts, links and deals…`);
  const pm = coprime(o.people, 7_919);
  const prospectPerson = (k: number) => (k * pm + 3) % o.people;
  const stageOf = picker(STAGE_MIX);
  const stages: string[] = [];
  const pr = rng(seed + 1);
  await copyLines(
    pool,
    'crm_records (installation_id, object_type, crm_id, email, lifecycle_stage, industry, region, company_size, crm_modified_at)',
    (function* () {
      for (let k = 0; k < o.prospects; k++) {
        const p = prospectPerson(k);
        const stage = stageOf(pr());
        stages.push(stage);
        // The CRM mostly agrees with what social data says about the person, and fills gaps.
        const a = world.attrs(p);
        const industry = a.industry ?? (pr() < 0.5 ? INDUSTRIES[Math.floor(pr() * INDUSTRIES.length)]! : null);
        const region = a.region ?? (pr() < 0.5 ? REGIONS[Math.floor(pr() * REGIONS.length)]! : null);
        const size = a.companySize ?? (pr() < 0.5 ? SIZES[Math.floor(pr() * SIZES.length)]! : null);
        const modified = new Date(now - Math.floor(pr() * 180) * DAY_MS - DAY_MS).toISOString();
        yield `${installationId}\tcontact\t${1_000_001 + k}\tp${p}@example.com\t${stage}\t${industry ?? '\\N'}\t${region ?? '\\N'}\t${size ?? '\\N'}\t${modified}\n`;
      }
    })(),
  );
  await copyLines(
    pool,
    'person_links (installation_id, object_type, crm_id, person_id, method)',
    (function* () {
      for (let k = 0; k < o.prospects; k++) yield `${installationId}\tcontact\t${1_000_001 + k}\t${idBase + 1 + prospectPerson(k)}\temail\n`;
    })(),
  );
  // Deals: most customers and evangelists bought (closed-won, sometimes with a colleague on the
  // deal); opportunities have an open deal.
  let customers = 0;
  let deals = 0;
  await copyLines(
    pool,
    'crm_deals (installation_id, crm_id, pipeline, stage, amount, close_date, closed_won, contact_ids)',
    (function* () {
      for (let k = 0; k < o.prospects; k++) {
        const stage = stages[k]!;
        const bought = (stage === 'customer' || stage === 'evangelist') && pr() < 0.85;
        if (!bought && stage !== 'opportunity') continue;
        if (bought) customers++;
        const contacts = pr() < 0.1 && k + 1 < o.prospects ? `{${1_000_001 + k},${1_000_002 + k}}` : `{${1_000_001 + k}}`;
        const close = new Date(now - Math.floor(pr() * 365) * DAY_MS).toISOString();
        yield `${installationId}\t${5_000_001 + deals++}\tdefault\t${bought ? 'closedwon' : 'contractsent'}\t${Math.round(1_000 + pr() * 50_000)}\t${close}\t${bought}\t${contacts}\n`;
      }
    })(),
  );
  lap('prospects');

  // Statistics and the visibility map, as a long-lived database would have them.
  log('analyze…');
  for (const table of ['people', 'interactions', 'crm_records', 'person_links', 'crm_deals']) await pool.query(`VACUUM (ANALYZE) ${table}`);
  lap('analyze');
  return { idBase, communities: world.c, customers, deals, seconds };
}

/**
 * The incremental workload: `count` prospects change after the full run. Every one gets one or
 * two new interactions (ingested_at defaults to now()); every other one also moves to the next
 * lifecycle stage (updated_at = now()). Returns the distinct prospects changed.
 */
export async function changeProspects(pool: pg.Pool, installationId: string, o: MatchDataOptions, idBase: number, count: number): Promise<number> {
  const world = new World(o.people, o.topics);
  const pm = coprime(o.people, 7_919);
  const stride = coprime(o.prospects, 104_729);
  const r = rng((o.seed ?? 42) + 2);
  const picked = Array.from({ length: count }, (_, i) => (i * stride + 11) % o.prospects);
  const stamp = new Date(Date.now() - 5 * 60_000).toISOString();
  const tag = Date.now().toString(36);
  const topics = topicNames(o.topics);
  const lines: string[] = [];
  picked.forEach((k, i) => {
    const p = (k * pm + 3) % o.people;
    const c = world.community(p);
    const tl = arrayLiteral([topics[world.topicA[c]!]!]);
    const other = world.popularIn(c, r());
    if (other !== p) lines.push(`${installationId}\tx${tag}-${i}a\t${idBase + 1 + other}\t${idBase + 1 + p}\treply\t${tl}\t0.6\t${stamp}\n`);
    if (i % 2 === 0 || other === p) lines.push(`${installationId}\tx${tag}-${i}b\t${idBase + 1 + p}\t${idBase + 1 + world.popular(r())}\tmention\t${tl}\t\\N\t${stamp}\n`);
  });
  await copyLines(pool, 'interactions (installation_id, external_id, from_person_id, to_person_id, kind, topics, sentiment, occurred_at)', lines);
  const staged = picked.filter((_, i) => i % 2 === 1).map((k) => String(1_000_001 + k));
  await pool.query(
    `UPDATE crm_records SET lifecycle_stage = CASE lifecycle_stage ${Object.entries(NEXT_STAGE).map(([a, b]) => `WHEN '${a}' THEN '${b}'`).join(' ')} ELSE 'lead' END, updated_at = now()
     WHERE installation_id = $1 AND object_type = 'contact' AND crm_id = ANY($2::text[])`,
    [installationId, staged],
  );
  return new Set(picked).size;
}
