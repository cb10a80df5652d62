/**
 * Provider scores normalised within an installation: each provider's raw scores become
 * percentile ranks 0–100 among the people of that installation who have a score from that
 * provider (mid-rank for ties), so "Klout 60" and "Kred 800" mean the same thing: how this
 * person ranks among this customer's audience. Pure.
 */
export interface ProviderScore {
  provider: string;
  score: number;
}

/** Percentile rank (0–100) of every score, per provider; returns a lookup (provider, score) → rank. */
export function percentileRanks(scores: readonly ProviderScore[]): (provider: string, score: number) => number {
  const byProvider = new Map<string, number[]>();
  for (const s of scores) {
    let list = byProvider.get(s.provider);
    if (!list) byProvider.set(s.provider, (list = []));
    list.push(s.score);
  }
  for (const list of byProvider.values()) list.sort((a, b) => a - b);
  return (provider, score) => {
    const list = byProvider.get(provider);
    // No peers to rank against: the middle, not a guess at either end.
    if (!list || list.length < 2) return 50;
    const below = lowerBound(list, score);
    const equal = countEqual(list, below, score);
    // Mid-rank: half of the ties count as below. Scaled so the lowest is 0 and the highest 100.
    return Math.round(((below + (equal - 1) / 2) / (list.length - 1)) * 1000) / 10;
  };
}

function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function countEqual(xs: readonly number[], from: number, v: number): number {
  let n = 0;
  for (let i = from; i < xs.length && xs[i] === v; i++) n++;
  return Math.max(1, n);
}
