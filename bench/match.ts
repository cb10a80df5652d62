/**
 * bench:match — the matching recompute at scale, each figure beside its ceiling:
 *   full         `sway match --full` in a child process on the generated installation: wall
 *                time (spawn to exit, ≤ 120 s) and the child's peak RSS (≤ 6 GB);
 *   incremental  1% of prospects change (new interactions, a new lifecycle stage), then
 *                `sway match --incremental` (≤ 10 s) — its dirty count must cover them;
 *   kernel       in this process on the same data: the topical-authority kernel's edges/s
 *                against a plain PageRank loop over the same graph (≥ half of it).
 *
 *   npm run bench:match [-- --people 20000 --interactions 200000 --prospects 5000 --json]
 * Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and Redis.
 * Works in a fresh schema it drops at the end (--keep to keep it).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import pg from 'pg';
import { buildGraph, EdgeColumns, TopicDictionary } from '../src/influence/graph.ts';
import { plainPageRank, topicAuthority } from '../src/influence/pagerank.ts';
import type { MatchRunResult } from '../src/jobs/match-run.ts';
import { openStore, type Db } from '../src/store/db.ts';
import { loadInteractions, loadPeople, TopicCombos } from '../src/store/graph-load.ts';
import { saveInstallation } from '../src/store/installations.ts';
import { changeProspects, generateMatchData } from './match-data.ts';

const int = (v: string) => Number.parseInt(v.replace(/_/g, ''), 10);
const opts = new Command()
  .option('--people <n>', 'people', int, 1_000_000)
  .option('--interactions <n>', 'interactions between them', int, 10_000_000)
  .option('--topics <n>', 'topics', int, 20)
  .option('--prospects <n>', 'CRM contacts linked to people', int, 250_000)
  .option('--changed <share>', 'share of prospects changed before the incremental run', Number.parseFloat, 0.01)
  .option('--plain-iterations <n>', 'iterations of the plain PageRank loop', int, 20)
  .option('--seed <n>', 'data seed', int, 42)
  .option('--generate-only', 'stop after generating the data (timing the generator)')
  .option('--keep', 'keep the schema (its name is printed) for debugging')
  .option('--json', 'print one JSON line with the figures last')
  .parse()
  .opts<{ people: number; interactions: number; topics: number; prospects: number; changed: number; plainIterations: number; seed: number; generateOnly?: boolean; keep?: boolean; json?: boolean }>();

const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CEILING = { fullSeconds: 120, fullPeakRssMb: 6 * 1024, incrementalSeconds: 10, kernelShareOfPlain: 0.5 };
const log = (s: string) => process.stderr.write(`${s}\n`);

/** `sway match --json`'s last line. */
type RunJson = MatchRunResult & { seconds: number; peakRssMb: number };

/** `sway match` in a child process; wall time from spawn to exit, and its JSON line. */
function sway(schema: string, args: string[]): Promise<{ wallSeconds: number; json: RunJson }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/sway.js', 'match', ...args, '--json', '--quiet'], {
      env: { ...process.env, DATABASE_URL, DB_SCHEMA: schema, REDIS_URL, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallSeconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`sway match ${args.join(' ')} exited ${code}: ${stdout.slice(-500)}`));
      try {
        resolve({ wallSeconds, json: JSON.parse(stdout.trim().split('\n').at(-1)!) as RunJson });
      } catch {
        reject(new Error(`sway match printed no JSON line: ${stdout.slice(-500)}`));
      }
    });
  });
}

/** The graph a full run builds (same loaders, same topic dictionary), then both PageRank loops. */
async function kernelVsPlain(db: Db, installationId: string) {
  const ids: number[] = [];
  const declared: string[][] = [];
  await loadPeople(db, installationId, (p) => {
    ids.push(p.id);
    declared.push(p.topics);
  });
  const n = ids.length;
  // Dense lookup over the id range: ids are nearly contiguous, and a Map of 1M entries is slower.
  // Min and max are computed, not read off the ends: loadPeople's ORDER BY id sorts the id::text
  // output column, so rows come in text order (1, 10, 100, …).
  let lo = Infinity;
  let hi = -Infinity;
  for (const id of ids) [lo, hi] = [Math.min(lo, id), Math.max(hi, id)];
  const dense = new Int32Array(n ? hi - lo + 1 : 0).fill(-1);
  ids.forEach((id, i) => (dense[id - lo] = i));
  const cols = new EdgeColumns();
  const combos = new TopicCombos();
  const t = performance.now();
  await loadInteractions(db, installationId, cols, (id) => dense[id - lo] ?? -1, combos, new Date());
  const loadSeconds = (performance.now() - t) / 1000;
  const frequencies = combos.frequencies();
  for (const list of declared) for (const topic of list) frequencies.set(topic, (frequencies.get(topic) ?? 0) + 1);
  const dict = new TopicDictionary(frequencies);
  combos.finishTopics(cols, dict);
  const personTopics = Uint32Array.from(declared, (l) => dict.mask(l));
  const graph = buildGraph(n, cols);
  log(`kernel: ${graph.edges.toLocaleString()} edges loaded in ${loadSeconds.toFixed(1)} s; topical authority over ${dict.names.length} topics…`);
  const authority = topicAuthority(graph, dict.names.length, personTopics);
  const kernelEdgesPerSecond = Math.round(authority.edgeVisits / authority.kernelSeconds);
  log(`kernel: plain PageRank, ${opts.plainIterations} iterations…`);
  const plainLoopEdgesPerSecond = Math.round(plainPageRank(graph, opts.plainIterations).edgesPerSecond);
  return {
    kernelEdgesPerSecond,
    plainLoopEdgesPerSecond,
    kernelRatio: Math.round((kernelEdgesPerSecond / plainLoopEdgesPerSecond) * 1000) / 1000,
    kernelSeconds: Math.round(authority.kernelSeconds * 100) / 100,
    kernelIterations: authority.iterations.reduce((a, b) => a + b, 0),
  };
}

async function main() {
  const schema = `bench_match_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ store: { kind: 'pg', url: DATABASE_URL, schema } });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 4 });
  let failed = false;
  try {
    const { installation } = await saveInstallation(store.db, randomBytes(32), 'hubspot', { accountId: 'bench-match', accountDomain: null, scopes: [] }, {
      accessToken: 'x', refreshToken: 'y', expiresAt: new Date(Date.now() + 3600_000),
    });
    log(`schema ${schema}, installation ${installation.id}`);

    let t = performance.now();
    const data = await generateMatchData(pool, installation.id, opts, log);
    const generationSeconds = Math.round(performance.now() - t) / 1000;
    log(`generated in ${generationSeconds} s ${JSON.stringify(data.seconds)}`);
    if (opts.generateOnly) return;

    log('full: sway match --full…');
    const full = await sway(schema, ['--installation', installation.id, '--full']);
    log(`full: ${full.wallSeconds.toFixed(1)} s ${JSON.stringify(full.json.timings ?? {})}`);

    const count = Math.max(1, Math.round(opts.prospects * opts.changed));
    t = performance.now();
    const changed = await changeProspects(pool, installation.id, opts, data.idBase, count);
    log(`incremental: ${changed.toLocaleString()} prospects changed in ${((performance.now() - t) / 1000).toFixed(1)} s; sway match --incremental…`);
    const inc = await sway(schema, ['--installation', installation.id, '--incremental']);
    log(`incremental: ${inc.wallSeconds.toFixed(1)} s ${JSON.stringify(inc.json.timings ?? {})}`);
    if (inc.json.mode !== 'incremental') throw new Error(`the incremental run ran as ${inc.json.mode}`);
    if ((inc.json.dirty ?? 0) < changed) throw new Error(`the incremental run saw ${inc.json.dirty} dirty prospects, fewer than the ${changed} changed`);

    const kernel = await kernelVsPlain(store.db, installation.id);

    const r1 = (x: number) => Math.round(x * 10) / 10;
    const figures = {
      people: opts.people,
      interactions: opts.interactions,
      prospects: opts.prospects,
      topics: opts.topics,
      generationSeconds,
      fullSeconds: r1(full.wallSeconds),
      fullPeakRssMb: full.json.peakRssMb,
      fullMatchesWritten: full.json.matchesWritten,
      fullTimings: full.json.timings ?? null,
      changed,
      dirty: inc.json.dirty ?? null,
      incrementalSeconds: r1(inc.wallSeconds),
      incrementalPeakRssMb: inc.json.peakRssMb,
      incrementalTimings: inc.json.timings ?? null,
      ...kernel,
    };
    const ok = (pass: boolean) => (pass ? 'ok  ' : 'MISS');
    const rows: [string, string, string, string][] = [
      ['generate (COPY)', `${generationSeconds.toFixed(1)} s`, '', ''],
      ['full recompute', `${figures.fullSeconds} s`, `≤ ${CEILING.fullSeconds} s`, ok(figures.fullSeconds <= CEILING.fullSeconds)],
      ['full peak RSS', `${figures.fullPeakRssMb.toLocaleString()} MB`, `≤ ${CEILING.fullPeakRssMb.toLocaleString()} MB`, ok(figures.fullPeakRssMb <= CEILING.fullPeakRssMb)],
      ['incremental', `${figures.incrementalSeconds} s (${(figures.dirty ?? 0).toLocaleString()} dirty ≥ ${changed.toLocaleString()} changed)`, `≤ ${CEILING.incrementalSeconds} s`, ok(figures.incrementalSeconds <= CEILING.incrementalSeconds)],
      ['kernel', `${(kernel.kernelEdgesPerSecond / 1e6).toFixed(1)}M edges/s`, `≥ plain/2 = ${(kernel.plainLoopEdgesPerSecond / 2e6).toFixed(1)}M`, ok(kernel.kernelRatio >= CEILING.kernelShareOfPlain)],
      ['plain PageRank', `${(kernel.plainLoopEdgesPerSecond / 1e6).toFixed(1)}M edges/s (kernel ${kernel.kernelRatio}×)`, '', ''],
    ];
    const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
    process.stdout.write(
      `\nbench:match — PostgreSQL, ${opts.people.toLocaleString()} people, ${opts.interactions.toLocaleString()} interactions, ${opts.prospects.toLocaleString()} prospects, ${opts.topics} topics\n` +
        `${rows.map((r) => `  ${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2].padEnd(w[2]!)}  ${r[3]}`.trimEnd()).join('\n')}\n` +
        `  full phases (s): ${Object.entries(figures.fullTimings ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}\n` +
        `  incremental phases (s): ${Object.entries(figures.incrementalTimings ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}\n`,
    );
    if (opts.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    if (opts.keep) log(`kept schema ${schema}${failed ? ' (failed run)' : ''}`);
    else await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await pool.end();
    await store.close();
  }
}

await main();
