/**
 * The Epinions kit's metrics, as its reference scorer score.py defines and computes them
 * (../shared/realdata/epinions/score.py; README "Metrics"): coverage, HR@k, hits per match,
 * incremental conversion per match against an untied matched control, conversions per 1k cost,
 * with 95% bootstrap intervals over prospects and paired differences between two match lists.
 *
 * Point estimates agree with score.py to 1e-6 (test/eval/realdata-metrics.test.ts): the control
 * is drawn exactly as score.py draws it (same decile edges as np.quantile, same nearest-10
 * walk, Python's random.Random(f'0:{u}:{v}').choice). Intervals use this module's own seeded
 * bootstrap, so they are close to score.py's but not equal.
 */
import { mulberry32 } from '../../src/domain/prng.ts';
import { exactLog } from './exact-log.ts';
import type { Kit, Prospect } from './kit.ts';
import { PyRandom } from './py-random.ts';

export const SEED = 0;
export const BOOT = 1000;
const NEAREST = 10;
/** Columns of a prospect's row (score.py per_prospect). */
const COLS = 9;
const [COVERED, CONVERTED, MATCHES, HITS, COST, INC, PAIRS, SHARE_M, SHARE_C] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;

export interface ScoringData {
  inDegree: Map<number, number>;
  /** Trust ties in either direction. */
  ties: Map<number, Set<number>>;
  /** Items each person rated in train. */
  seen: Map<number, Set<number>>;
  /** Items each person rated 4 or 5 in train. */
  endorse: Map<number, Set<number>>;
  prospects: Prospect[];
  truth: Map<number, Set<number>>;
}

const EMPTY: ReadonlySet<number> = new Set();

function add(m: Map<number, Set<number>>, k: number, v: number): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

export function scoringData(kit: Kit, truth: Map<number, Set<number>>): ScoringData {
  const ties = new Map<number, Set<number>>();
  for (let e = 0; e < kit.truster.length; e++) {
    add(ties, kit.truster[e]!, kit.trustee[e]!);
    add(ties, kit.trustee[e]!, kit.truster[e]!);
  }
  const seen = new Map<number, Set<number>>();
  const endorse = new Map<number, Set<number>>();
  const r = kit.reviews;
  for (let k = 0; k < r.user.length; k++) {
    add(seen, r.user[k]!, r.item[k]!);
    if (r.rating[k]! >= 4) add(endorse, r.user[k]!, r.item[k]!);
  }
  return { inDegree: kit.inDegree, ties, seen, endorse, prospects: kit.prospects, truth };
}

/** np.quantile's default ("linear") on sorted values, with numpy's _lerp. */
export function quantileLinear(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) return sorted[n - 1]!;
  if (virtual <= 0) return sorted[0]!;
  const lo = Math.floor(virtual);
  const a = sorted[lo]!;
  const b = sorted[lo + 1]!;
  const t = virtual - lo;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The untied control of score.py: same trust in-degree decile as v, one of the 10 nearest in log(endorsements), no tie to u. */
export class Controls {
  private readonly edges: number[];
  private readonly cells = new Map<number, { x: number; v: number }[]>();

  constructor(private readonly d: ScoringData) {
    const pool = [...d.endorse.keys()].filter((v) => d.endorse.get(v)!.size > 0).sort((a, b) => a - b);
    const degrees = Float64Array.from(pool, (v) => d.inDegree.get(v) ?? 0).sort();
    // np.arange(0.1, 1.0, 0.1): 0.1 + i·0.1, so 0.30000000000000004 and 0.7000000000000001 as numpy has them.
    this.edges = Array.from({ length: 9 }, (_, i) => quantileLinear(degrees, 0.1 + i * 0.1));
    for (const v of pool) {
      const dec = this.decile(v);
      let cell = this.cells.get(dec);
      if (!cell) this.cells.set(dec, (cell = []));
      cell.push({ x: exactLog(d.endorse.get(v)!.size), v });
    }
    for (const cell of this.cells.values()) cell.sort((a, b) => a.x - b.x || a.v - b.v);
  }

  /** np.searchsorted(edges, indeg, side='right'). */
  private decile(v: number): number {
    const deg = this.d.inDegree.get(v) ?? 0;
    let k = 0;
    while (k < this.edges.length && this.edges[k]! <= deg) k++;
    return k;
  }

  /** The control for match (u, v), or null when none qualifies; v must endorse something. */
  draw(u: number, v: number): number | null {
    const cell = this.cells.get(this.decile(v))!;
    const x = exactLog(this.d.endorse.get(v)!.size);
    // bisect_left on the x column, minus one.
    let a = 0;
    let b = cell.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (cell[mid]!.x < x) a = mid + 1;
      else b = mid;
    }
    let lo = a - 1;
    let hi = lo + 1;
    const picked: number[] = [];
    const tiesU = this.d.ties.get(u) ?? EMPTY;
    while (picked.length < NEAREST && (lo >= 0 || hi < cell.length)) {
      let c: number;
      if (hi >= cell.length || (lo >= 0 && x - cell[lo]!.x <= cell[hi]!.x - x)) c = cell[lo--]!.v;
      else c = cell[hi++]!.v;
      if (c !== u && c !== v && !tiesU.has(c)) picked.push(c);
    }
    return picked.length > 0 ? new PyRandom(`${SEED}:${u}:${v}`).choice(picked) : null;
  }
}

/** prospect → [rank, influencer] rows of a matches file (any order). */
export type RankedMatches = Map<number, [number, number][]>;

/** A matches list: prospect,rank,influencer rows. */
export function rankedFrom(rows: Iterable<{ prospect: number; rank: number; influencer: number }>): RankedMatches {
  const m: RankedMatches = new Map();
  for (const r of rows) {
    let l = m.get(r.prospect);
    if (!l) m.set(r.prospect, (l = []));
    l.push([r.rank, r.influencer]);
  }
  return m;
}

/** One row of COLS per prospect (score.py per_prospect), row-major. */
export function perProspect(ranked: RankedMatches, k: number, d: ScoringData, ctl: Controls): Float64Array {
  const X = new Float64Array(d.prospects.length * COLS);
  const share = (v: number, u: number): number => {
    const seen = d.seen.get(u) ?? EMPTY;
    const truth = d.truth.get(u) ?? EMPTY;
    let open = 0;
    let adopted = 0;
    for (const i of d.endorse.get(v) ?? EMPTY) {
      if (seen.has(i)) continue;
      open++;
      if (truth.has(i)) adopted++;
    }
    return open > 0 ? adopted / open : 0;
  };
  d.prospects.forEach(({ user: u }, n) => {
    const rows = (ranked.get(u) ?? []).slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const M: number[] = [];
    for (const [, v] of rows) if (v !== u && !M.includes(v)) M.push(v);
    M.length = Math.min(M.length, k);
    const truth = d.truth.get(u) ?? EMPTY;
    const o = n * COLS;
    let hits = 0;
    let anyHit = false;
    let cost = 0;
    for (const v of M) {
      let h = 0;
      for (const i of d.endorse.get(v) ?? EMPTY) if (truth.has(i)) h++;
      hits += h;
      if (h > 0) anyHit = true;
      cost += 1 + (d.inDegree.get(v) ?? 0);
      if (!(d.endorse.get(v)?.size)) {
        X[o + PAIRS]!++;
        continue;
      }
      const c = ctl.draw(u, v);
      if (c === null) continue;
      const sv = share(v, u);
      const sc = share(c, u);
      X[o + INC]! += sv - sc;
      X[o + PAIRS]!++;
      X[o + SHARE_M]! += sv;
      X[o + SHARE_C]! += sc;
    }
    X[o + COVERED] = M.length > 0 ? 1 : 0;
    X[o + CONVERTED] = anyHit ? 1 : 0;
    X[o + MATCHES] = M.length;
    X[o + HITS] = hits;
    X[o + COST] = cost;
  });
  return X;
}

export interface Metrics {
  coverage: number;
  hr10: number;
  hitsPerMatch: number;
  incPerMatch: number;
  shareMatched: number;
  shareControl: number;
  convPer1kCost: number;
  controlFound: number;
}
export const METRIC_KEYS = ['coverage', 'hr10', 'hitsPerMatch', 'incPerMatch', 'shareMatched', 'shareControl', 'convPer1kCost', 'controlFound'] as const satisfies readonly (keyof Metrics)[];
/** score.py's names for the same metrics (its JSON and table), k = 10. */
export const SCORE_PY_NAMES: Record<keyof Metrics, string> = {
  coverage: 'coverage',
  hr10: 'HR@10',
  hitsPerMatch: 'hits_per_match',
  incPerMatch: 'inc_conv_per_match',
  shareMatched: 'share_matched',
  shareControl: 'share_control',
  convPer1kCost: 'conv_per_1k_cost',
  controlFound: 'control_found',
};

/** score.py metrics() on column sums S over n prospects. */
export function metricsOf(S: ArrayLike<number>, n: number): Metrics {
  return {
    coverage: S[COVERED]! / n,
    hr10: S[CONVERTED]! / n,
    hitsPerMatch: S[HITS]! / S[MATCHES]!,
    incPerMatch: S[INC]! / S[PAIRS]!,
    shareMatched: S[SHARE_M]! / S[PAIRS]!,
    shareControl: S[SHARE_C]! / S[PAIRS]!,
    convPer1kCost: (1000 * S[CONVERTED]!) / S[COST]!,
    controlFound: S[PAIRS]! / S[MATCHES]!,
  };
}

/** Column sums of the rows whose index passes `keep`. */
export function columnSums(X: Float64Array, keep: (row: number) => boolean = () => true): Float64Array {
  const S = new Float64Array(COLS);
  for (let r = 0, n = X.length / COLS; r < n; r++) {
    if (!keep(r)) continue;
    for (let c = 0; c < COLS; c++) S[c]! += X[r * COLS + c]!;
  }
  return S;
}

/**
 * Column sums of each X over the same BOOT resamples of prospects (with replacement), from a
 * seeded mulberry32 — score.py uses numpy's default_rng(0), which this does not reproduce.
 */
export function bootstrapSums(Xs: Float64Array[], n: number, boot = BOOT, seed = SEED): Float64Array[] {
  const rand = mulberry32(seed);
  const out = Xs.map(() => new Float64Array(boot * COLS));
  const idx = new Int32Array(n);
  for (let b = 0; b < boot; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    Xs.forEach((X, x) => {
      const S = out[x]!;
      const o = b * COLS;
      for (let i = 0; i < n; i++) {
        const r = idx[i]! * COLS;
        for (let c = 0; c < COLS; c++) S[o + c]! += X[r + c]!;
      }
    });
  }
  return out;
}

/** np.nanpercentile(values, p) with the linear method. */
export function nanPercentile(values: number[], p: number): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length === 0 ? Number.NaN : quantileLinear(v, p / 100);
}

export type Interval = [point: number, low: number, high: number];
export type Intervals = Record<keyof Metrics, Interval>;

/** Point estimate and 2.5/97.5 percentiles of a metric over bootstrap sums (optionally minus another list's). */
export function intervals(point: Metrics, boots: Float64Array, n: number, minus?: Float64Array): Intervals {
  const per = Array.from({ length: boots.length / COLS }, (_, b) => {
    const m = metricsOf(boots.subarray(b * COLS, (b + 1) * COLS), n);
    if (!minus) return m;
    const o = metricsOf(minus.subarray(b * COLS, (b + 1) * COLS), n);
    return Object.fromEntries(METRIC_KEYS.map((k) => [k, m[k] - o[k]])) as unknown as Metrics;
  });
  return Object.fromEntries(METRIC_KEYS.map((k) => [k, [point[k], nanPercentile(per.map((m) => m[k]), 2.5), nanPercentile(per.map((m) => m[k]), 97.5)]])) as Intervals;
}

export interface StageMetrics extends Metrics {
  n: number;
}

/** Point estimates per derived stage (score.py by_stage), stages in sorted order. */
export function byStage(X: Float64Array, prospects: Prospect[]): Record<string, StageMetrics> {
  const out: Record<string, StageMetrics> = {};
  for (const s of [...new Set(prospects.map((p) => p.stage))].sort()) {
    const keep = (r: number) => prospects[r]!.stage === s;
    const n = prospects.filter((p) => p.stage === s).length;
    out[s] = { n, ...metricsOf(columnSums(X, keep), n) };
  }
  return out;
}
