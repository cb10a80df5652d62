/**
 * Empirical-Bayes Beta-Binomial shrinkage of conversion rates across groups (influencers, stages):
 * an influencer with 2 of 5 converted has a raw 40% that means little; shrunk toward what all
 * influencers do, it lands near the pool unless the data insist. Influencers are ranked on these
 * estimates, never on raw rates (README, "Measuring campaigns (statistics)").
 *
 * Prior Beta(a, b) by the method of moments for overdispersed binomials (Kleinman 1973, "Proportions
 * with extraneous variance", JASA 68:64), weighted by group size:
 *   p̂ = Σx / Σn,  S = Σ nᵢ(xᵢ/nᵢ − p̂)²,  N = Σn, k groups,
 *   E[S] = p(1 − p)[(k − 1) + ρ(N − k + 1 − Σnᵢ²/N)]   with ρ = 1/(a + b + 1) the intra-class correlation,
 * solved for ρ; then a + b = 1/ρ − 1, a = p̂(a + b). Posterior for group i: Beta(a + xᵢ, b + nᵢ − xᵢ).
 * When the groups vary no more than binomial noise (ρ ≤ 0) every difference is noise: the prior
 * strength a + b is capped at N, the prior then weighing as much as all the data together.
 * With no conversions at all (or all converted) there is nothing to estimate the spread from, and
 * the prior falls back to Jeffreys' Beta(½, ½).
 */
import { betaInv } from './distributions.ts';

export interface GroupCounts {
  key: string;
  units: number;
  conversions: number;
}

export interface BetaPrior {
  alpha: number;
  beta: number;
  /** How the prior was set. */
  method: 'moments' | 'moments-capped' | 'jeffreys';
}

export interface ShrunkRate {
  key: string;
  units: number;
  conversions: number;
  raw: number;
  /** Posterior mean (alpha + x) / (alpha + beta + n). */
  shrunk: number;
  /** Central 95% credible interval of the posterior. */
  ci: [number, number];
  /** 1-based rank on the shrunk rate (ties share the better rank order by key). */
  rank: number;
}

export function fitBetaPrior(groups: GroupCounts[]): BetaPrior {
  const used = groups.filter((g) => g.units > 0);
  const N = used.reduce((a, g) => a + g.units, 0);
  const X = used.reduce((a, g) => a + g.conversions, 0);
  const k = used.length;
  if (N === 0 || X === 0 || X === N) return { alpha: 0.5, beta: 0.5, method: 'jeffreys' };
  const p = X / N;
  const S = used.reduce((a, g) => a + g.units * (g.conversions / g.units - p) ** 2, 0);
  const sumSq = used.reduce((a, g) => a + g.units * g.units, 0);
  const denom = N - k + 1 - sumSq / N;
  const rho = denom > 0 ? (S / (p * (1 - p)) - (k - 1)) / denom : 0;
  const strength = rho > 0 ? Math.min(1 / Math.min(rho, 1) - 1, N) : N;
  // ρ ≥ 1 would say every unit in a group shares one fate (a + b → 0); keep a sliver of prior.
  const m = Math.max(strength, 1e-6);
  return { alpha: p * m, beta: (1 - p) * m, method: rho > 0 && 1 / rho - 1 < N ? 'moments' : 'moments-capped' };
}

/** Shrunk rates, credible intervals and ranks, in the input order. */
export function shrinkRates(groups: GroupCounts[], prior: BetaPrior = fitBetaPrior(groups)): ShrunkRate[] {
  const out = groups.map((g) => {
    const a = prior.alpha + g.conversions;
    const b = prior.beta + g.units - g.conversions;
    return {
      key: g.key,
      units: g.units,
      conversions: g.conversions,
      raw: g.units > 0 ? g.conversions / g.units : Number.NaN,
      shrunk: a / (a + b),
      ci: [betaInv(0.025, a, b), betaInv(0.975, a, b)] as [number, number],
      rank: 0,
    };
  });
  [...out].sort((x, y) => y.shrunk - x.shrunk || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)).forEach((r, i) => (r.rank = i + 1));
  return out;
}
