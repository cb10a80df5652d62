/**
 * The few distribution functions the outcome statistics need, from @stdlib (maintained,
 * accurate in the tails) rather than hand-written approximations. Every figure built on them is
 * checked against scipy in test/outcomes/*.unit.test.ts.
 */
import erfc from '@stdlib/math-base-special-erfc';
import gammainc from '@stdlib/math-base-special-gammainc';
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/** Standard normal quantile: zQuantile(0.975) ≈ 1.959964. */
export function zQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** Two-sided p-value of a standard normal statistic, P(|Z| ≥ |z|) = erfc(|z|/√2); exact far into the tail, where 2·(1 − Φ) rounds to 0. */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Upper tail of the chi-square distribution with df degrees of freedom: the regularised upper incomplete gamma Q(df/2, x/2). */
export function chiSquareUpper(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/** Quantile of Beta(a, b). */
export function betaInv(p: number, a: number, b: number): number {
  return betaQuantile(p, a, b);
}

/** Two-sided critical value for a (1 − alpha) interval. */
export function zCritical(alpha: number): number {
  return zQuantile(1 - alpha / 2);
}
