/**
 * eval:match — does Sway's matching recover planted influencers, and do campaigns targeted with
 * its matches win more conversions than campaigns targeted by audience size? On synthetic
 * markets with planted truth (eval/market.ts), two scenarios, repeated seeds, 95% t intervals.
 *
 *   npm run eval:match [-- --seeds 20 --people 20000 --prospects 3000 --smoke --json]
 *
 * Per prospect p (README "Matching evaluation"):
 *   Sway    matchProspect's top 3 with the default stage weights (or --weights overrides).
 *   reach   the 3 largest known audiences among people active in p's observed topic: declared it,
 *           or it is the topic most of their inbound interactions carry. p's observed topic is
 *           the most frequent one over p's own interactions and declared topics.
 *   precision@3  |top 3 ∩ planted influencers of p| / 3.
 *   conversion   p converts when U_p < 1 − Π_{i∈chosen}(1 − influence(i, p)), with one uniform
 *           U_p per prospect shared by both arms (common random numbers), so the arms differ only
 *           by whom they chose.
 * Intervals: mean over seeds ± t(0.975, seeds − 1) · sd / √seeds.
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { CANONICAL_STAGES, type CanonicalStage } from '../src/domain/stages.ts';
import { buildGraph } from '../src/influence/graph.ts';
import { topicAuthority } from '../src/influence/pagerank.ts';
import { matchProspect, Scratch } from '../src/matching/score.ts';
import { buildGlobalSignals } from '../src/matching/signals.ts';
import { resolveStageWeights, StageWeightsOverrideSchema, type StageWeights } from '../src/matching/weights.ts';
import { meanCi } from './stats.ts';
import { conversionProbability, DEFAULT_MARKET, generateMarket, plantedInfluencers, prng, SCENARIOS, streamSeed, type Market, type MarketParams, type Scenario } from './market.ts';

const opts = new Command()
  .option('--seeds <n>', 'markets per scenario', (v) => Number.parseInt(v, 10), 20)
  .option('--seed <n>', 'first seed', (v) => Number.parseInt(v, 10), 1)
  .option('--people <n>', 'people per market', (v) => Number.parseInt(v, 10))
  .option('--prospects <n>', 'prospects per market', (v) => Number.parseInt(v, 10))
  .option('--scenario <name>', 'micro, hubs or all', 'all')
  .option('--weights <json>', 'stage weight overrides, as in settings (matching.stageWeights), to diagnose')
  .option('--smoke', '3 seeds of 5,000 people, 6 topics and 500 prospects: a few seconds')
  .option('--jobs <n>', 'processes to run markets in', (v) => Number.parseInt(v, 10), Math.min(2, availableParallelism()))
  .option('--json', 'end with one JSON line of the figures')
  .parse()
  .opts<{ seeds: number; seed: number; people?: number; prospects?: number; scenario: string; weights?: string; smoke?: boolean; jobs: number; json?: boolean }>();

const K = 3;
const log = (s: string) => process.stdout.write(`${s}\n`);

interface Task {
  scenario: Scenario;
  seed: number;
}

export interface SeedResult {
  prospects: number;
  swayPrecision: number;
  reachPrecision: number;
  sway: number;
  reach: number;
  oracle: number;
  /** Sway's precision@3 by prospect stage. */
  byStage: Partial<Record<CanonicalStage, { precision: number; reachPrecision: number; sway: number; reach: number; prospects: number }>>;
}

function evaluate(m: Market, weights: StageWeights): SeedResult {
  const { people, dictionary, edges } = m;
  const n = people.n;
  const graph = buildGraph(n, edges);
  const auth = topicAuthority(graph, dictionary.names.length, people.topics);
  const signals = buildGlobalSignals(people, dictionary.names, auth.levels, m.codes, { graph });
  const scratch = new Scratch(n);
  const reachPools = reachBaseline(m, graph);
  const draw = prng(streamSeed(m.seed, `convert:${m.scenario}`));
  let swayHits = 0;
  let reachHits = 0;
  let sway = 0;
  let reach = 0;
  let oracle = 0;
  const stageHits = new Map<CanonicalStage, { hits: number; reachHits: number; sway: number; reach: number; prospects: number }>();
  for (const p of m.prospects) {
    const truth = new Set(plantedInfluencers(m, p.index));
    const chosen = matchProspect(p, graph, signals, scratch, { weights, topK: K }).map((x) => x.influencer);
    const byReach = (reachPools[observedTopic(m, graph, p.index)] ?? []).filter((i) => i !== p.index).slice(0, K);
    const hits = chosen.filter((i) => truth.has(i)).length;
    swayHits += hits;
    const rhits = byReach.filter((i) => truth.has(i)).length;
    reachHits += rhits;
    const s = stageHits.get(p.stage) ?? { hits: 0, reachHits: 0, sway: 0, reach: 0, prospects: 0 };
    s.hits += hits;
    s.reachHits += rhits;
    s.prospects++;
    stageHits.set(p.stage, s);
    const u = draw();
    if (u < conversionProbability(m, p.index, chosen)) {
      sway++;
      s.sway++;
    }
    if (u < conversionProbability(m, p.index, byReach)) {
      reach++;
      s.reach++;
    }
    if (u < conversionProbability(m, p.index, [...truth])) oracle++;
  }
  const count = m.prospects.length;
  const byStage: SeedResult['byStage'] = {};
  for (const [stage, s] of stageHits) {
    byStage[stage] = { precision: s.hits / (K * s.prospects), reachPrecision: s.reachHits / (K * s.prospects), sway: s.sway, reach: s.reach, prospects: s.prospects };
  }
  return { prospects: count, swayPrecision: swayHits / (K * count), reachPrecision: reachHits / (K * count), sway, reach, oracle, byStage };
}

/**
 * Per dictionary bit: people active in the topic — declared it, or it is their most frequent
 * inbound topic — with a known audience, largest first (K + 1 kept, so the prospect can be left out).
 */
function reachBaseline(m: Market, graph: ReturnType<typeof buildGraph>): number[][] {
  const { people } = m;
  const T = m.dictionary.names.length;
  const pools: { i: number; a: number }[][] = Array.from({ length: T }, () => []);
  const counts = new Float64Array(T);
  for (let i = 0; i < people.n; i++) {
    const a = people.audience[i]!;
    if (!Number.isFinite(a)) continue;
    counts.fill(0);
    for (let e = graph.in.offsets[i]!, end = graph.in.offsets[i + 1]!; e < end; e++) {
      for (let t = graph.in.topics[e]!; t !== 0; t &= t - 1) counts[31 - Math.clz32(t & -t)]!++;
    }
    let top = -1;
    for (let t = 0; t < T; t++) if (counts[t]! > 0 && (top < 0 || counts[t]! > counts[top]!)) top = t;
    for (let t = 0; t < T; t++) {
      if (t !== top && (people.topics[i]! & (1 << t)) === 0) continue;
      const pool = pools[t]!;
      if (pool.length > K && a <= pool[K]!.a) continue;
      pool.push({ i, a });
      pool.sort((x, y) => y.a - x.a || x.i - y.i);
      if (pool.length > K + 1) pool.pop();
    }
  }
  return pools.map((pool) => pool.map((x) => x.i));
}

/** The prospect's most frequent topic over their interactions (both directions) and declared topics. */
function observedTopic(m: Market, graph: ReturnType<typeof buildGraph>, p: number): number {
  const counts = new Float64Array(32);
  for (const side of [graph.out, graph.in]) {
    for (let e = side.offsets[p]!, end = side.offsets[p + 1]!; e < end; e++) {
      for (let t = side.topics[e]!; t !== 0; t &= t - 1) counts[31 - Math.clz32(t & -t)]!++;
    }
  }
  for (let t = m.people.topics[p]!; t !== 0; t &= t - 1) counts[31 - Math.clz32(t & -t)]!++;
  let top = 0;
  for (let t = 1; t < 32; t++) if (counts[t]! > counts[top]!) top = t;
  return top;
}

const round = (x: number, d = 3) => Number(x.toFixed(d));
const ci = (c: [number, number], d = 1) => c.map((x) => round(x, d)) as [number, number];
const fmtCi = (m: number, c: [number, number], d = 1) => `${m.toFixed(d)} [${c[0].toFixed(d)}, ${c[1].toFixed(d)}]`;

async function main() {
  const started = performance.now();
  const overrides: Partial<MarketParams> = opts.smoke ? { people: 5_000, prospects: 500, topics: 6 } : {};
  if (opts.people) overrides.people = opts.people;
  if (opts.prospects) overrides.prospects = opts.prospects;
  const seeds = opts.smoke && opts.seeds === 20 ? 3 : opts.seeds;
  const weights = resolveStageWeights(opts.weights ? StageWeightsOverrideSchema.parse(JSON.parse(opts.weights)) : {});
  const scenarios = opts.scenario === 'all' ? SCENARIOS : SCENARIOS.filter((s) => s === opts.scenario);
  if (scenarios.length === 0) throw new Error(`unknown scenario ${opts.scenario} (micro, hubs or all)`);

  const tasks: Task[] = scenarios.flatMap((scenario) => Array.from({ length: seeds }, (_, s) => ({ scenario, seed: opts.seed + s })));
  const results = await runTasks(tasks, overrides, weights, Math.max(1, opts.jobs));
  const out = [];
  for (const name of scenarios as Scenario[]) {
    const runs = tasks.map((t, k) => (t.scenario === name ? results[k]! : null)).filter((r) => r !== null);
    const prospects = runs[0]!.prospects;
    const prec = meanCi(runs.map((r) => r.swayPrecision));
    const rprec = meanCi(runs.map((r) => r.reachPrecision));
    const sway = meanCi(runs.map((r) => r.sway));
    const reach = meanCi(runs.map((r) => r.reach));
    const diff = meanCi(runs.map((r) => r.sway - r.reach));
    const oracle = meanCi(runs.map((r) => r.oracle));
    const byStage: Record<string, { prospects: number; precisionAt3: number; reachPrecisionAt3: number; swayConversions: number; reachConversions: number }> = {};
    for (const stage of CANONICAL_STAGES) {
      const xs = runs.map((r) => r.byStage[stage]).filter((x) => x !== undefined);
      if (xs.length === 0) continue;
      const mean = (f: (x: (typeof xs)[number]) => number) => xs.reduce((a, x) => a + f(x), 0) / xs.length;
      byStage[stage] = {
        prospects: round(mean((x) => x.prospects), 0),
        precisionAt3: round(mean((x) => x.precision)),
        reachPrecisionAt3: round(mean((x) => x.reachPrecision)),
        swayConversions: round(mean((x) => x.sway), 1),
        reachConversions: round(mean((x) => x.reach), 1),
      };
    }
    const verdict =
      name === 'micro'
        ? sway.ci[0] > reach.ci[1] ? 'Sway wins (intervals do not overlap)' : 'NOT MET: intervals overlap or Sway loses'
        : diff.ci[1] >= 0 ? 'not worse than reach beyond its interval' : 'NOT MET: Sway worse than reach';
    out.push({
      name,
      seeds,
      prospects,
      precisionAt3: round(prec.mean),
      precisionCi: ci(prec.ci, 3),
      reachPrecisionAt3: round(rprec.mean),
      reachPrecisionCi: ci(rprec.ci, 3),
      swayConversions: round(sway.mean, 1),
      swayCi: ci(sway.ci),
      reachConversions: round(reach.mean, 1),
      reachCi: ci(reach.ci),
      differenceConversions: round(diff.mean, 1),
      differenceCi: ci(diff.ci),
      oracleConversions: round(oracle.mean, 1),
      oracleCi: ci(oracle.ci),
      byStage,
      verdict,
    });
  }
  const seconds = round((performance.now() - started) / 1000, 1);
  const p = { ...DEFAULT_MARKET, ...overrides };
  log(`eval:match — ${p.people.toLocaleString('en')} people, ${out[0]?.prospects.toLocaleString('en')} prospects, ${seeds} seeds from ${opts.seed}, ${opts.weights ? `weights ${opts.weights}` : 'default stage weights'}; 95% t intervals over seeds; ${seconds} s`);
  log('');
  log('| scenario | Sway precision@3 | reach precision@3 | Sway conversions | reach conversions | Sway − reach | planted (oracle) | verdict |');
  log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of out) {
    log(`| ${r.name} | ${fmtCi(r.precisionAt3, r.precisionCi, 3)} | ${fmtCi(r.reachPrecisionAt3, r.reachPrecisionCi, 3)} | ${fmtCi(r.swayConversions, r.swayCi)} | ${fmtCi(r.reachConversions, r.reachCi)} | ${fmtCi(r.differenceConversions, r.differenceCi)} | ${r.oracleConversions.toFixed(1)} | ${r.verdict} |`);
  }
  log('');
  log(`| by stage: precision@3 / conversions, Sway vs reach | ${CANONICAL_STAGES.join(' | ')} |`);
  log(`| --- | ${CANONICAL_STAGES.map(() => '---').join(' | ')} |`);
  for (const r of out) {
    const cell = (s: CanonicalStage) => {
      const b = r.byStage[s];
      return b ? `${b.precisionAt3.toFixed(2)} vs ${b.reachPrecisionAt3.toFixed(2)} / ${b.swayConversions.toFixed(0)} vs ${b.reachConversions.toFixed(0)}` : '—';
    };
    log(`| ${r.name} | ${CANONICAL_STAGES.map(cell).join(' | ')} |`);
  }
  if (opts.json) log(JSON.stringify({ scenarios: out, people: p.people, seeds, firstSeed: opts.seed, weights: opts.weights ? JSON.parse(opts.weights) : 'default', seconds }));
}

function runTask(t: Task, overrides: Partial<MarketParams>, weights: StageWeights): SeedResult {
  return evaluate(generateMarket(t.scenario, t.seed, overrides), weights);
}

/** Markets are independent: split them over `jobs` child processes (this script in worker mode). */
async function runTasks(tasks: Task[], overrides: Partial<MarketParams>, weights: StageWeights, jobs: number): Promise<SeedResult[]> {
  if (jobs === 1 || tasks.length === 1) return tasks.map((t) => runTask(t, overrides, weights));
  const results: SeedResult[] = new Array(tasks.length);
  const shares = Array.from({ length: Math.min(jobs, tasks.length) }, (_, j) => tasks.map((_, k) => k).filter((k) => k % jobs === j));
  await Promise.all(
    shares.map(
      (indices) =>
        new Promise<void>((resolve, reject) => {
          const child = fork(process.argv[1]!, [], { env: { ...process.env, EVAL_MATCH_WORKER: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          child.on('message', (msg: { index: number; result: SeedResult }[]) => {
            for (const { index, result } of msg) results[index] = result;
          });
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`eval worker exited with ${code}`))));
          child.send({ tasks: indices.map((k) => ({ index: k, task: tasks[k]! })), overrides, weights });
        }),
    ),
  );
  return results;
}

function worker(): void {
  process.once('message', (msg: { tasks: { index: number; task: Task }[]; overrides: Partial<MarketParams>; weights: StageWeights }) => {
    const done = msg.tasks.map(({ index, task }) => ({ index, result: runTask(task, msg.overrides, msg.weights) }));
    process.send!(done, () => process.disconnect());
  });
}

if (process.env.EVAL_MATCH_WORKER === '1') worker();
else main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
