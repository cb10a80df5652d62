/**
 * Scores Sway's matches and the four baselines on the same prospects, controls and bootstrap
 * resamples (eval/realdata/metrics.ts), and the paired differences Sway − each baseline.
 */
import { BASELINES, type BaselineName, type MatchLists } from './baselines.ts';
import { bootstrapSums, byStage, columnSums, Controls, intervals, metricsOf, perProspect, rankedFrom, type Intervals, type RankedMatches, type ScoringData, type StageMetrics } from './metrics.ts';

export interface MethodScore {
  coverage: number;
  hr10: number;
  hr10Ci: [number, number];
  hitsPerMatch: number;
  hitsPerMatchCi: [number, number];
  incPerMatch: number;
  incPerMatchCi: [number, number];
  shareMatched: number;
  shareControl: number;
  convPer1kCost: number;
  convPer1kCostCi: [number, number];
  controlFound: number;
  byStage: Record<string, StageMetrics>;
  /** Every metric with its interval, as score.py's JSON has them. */
  intervals: Intervals;
}

export interface Scored {
  sway: MethodScore;
  baselines: Record<BaselineName, MethodScore>;
  /** Sway minus each baseline, paired on the same resamples: [point, low, high]. */
  compare: Record<BaselineName, Intervals>;
}

const K = 10;

export function listsToRanked(lists: MatchLists): RankedMatches {
  return new Map([...lists].map(([u, vs]) => [u, vs.map((v, i) => [i + 1, v] as [number, number])]));
}

function summarise(iv: Intervals, stages: Record<string, StageMetrics>): MethodScore {
  const ci = (k: keyof Intervals): [number, number] => [iv[k][1], iv[k][2]];
  return {
    coverage: iv.coverage[0],
    hr10: iv.hr10[0],
    hr10Ci: ci('hr10'),
    hitsPerMatch: iv.hitsPerMatch[0],
    hitsPerMatchCi: ci('hitsPerMatch'),
    incPerMatch: iv.incPerMatch[0],
    incPerMatchCi: ci('incPerMatch'),
    shareMatched: iv.shareMatched[0],
    shareControl: iv.shareControl[0],
    convPer1kCost: iv.convPer1kCost[0],
    convPer1kCostCi: ci('convPer1kCost'),
    controlFound: iv.controlFound[0],
    byStage: stages,
    intervals: iv,
  };
}

export function scoreAll(d: ScoringData, sway: { prospect: number; rank: number; influencer: number }[], baselines: Record<BaselineName, MatchLists>): Scored {
  const ctl = new Controls(d);
  const n = d.prospects.length;
  const lists: RankedMatches[] = [rankedFrom(sway), ...BASELINES.map((b) => listsToRanked(baselines[b]))];
  const Xs = lists.map((r) => perProspect(r, K, d, ctl));
  const boots = bootstrapSums(Xs, n);
  const points = Xs.map((X) => metricsOf(columnSums(X), n));
  const scores = Xs.map((X, i) => summarise(intervals(points[i]!, boots[i]!, n), byStage(X, d.prospects)));
  const diff = (i: number): Intervals => {
    const p = Object.fromEntries(Object.keys(points[0]!).map((k) => [k, points[0]![k as keyof typeof points[0]] - points[i]![k as keyof typeof points[0]]]));
    return intervals(p as unknown as typeof points[0], boots[0]!, n, boots[i]!);
  };
  return {
    sway: scores[0]!,
    baselines: Object.fromEntries(BASELINES.map((b, i) => [b, scores[i + 1]!])) as Record<BaselineName, MethodScore>,
    compare: Object.fromEntries(BASELINES.map((b, i) => [b, diff(i + 1)])) as Record<BaselineName, Intervals>,
  };
}
