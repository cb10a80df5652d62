/**
 * An always-valid confidence sequence for the difference in conversion rates, for daily looks:
 * the probability that it EVER excludes the true lift, over every look, is at most alpha
 * (asymptotically), so a campaign may be watched daily and stopped when the interval leaves zero.
 *
 * The two-sided normal-mixture asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha,
 * Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences"
 * (2023; eq. 9 for the half-width, eq. 161 for rho), building on Howard et al. (2021); the form
 * GrowthBook's and Eppo's stats engines use:
 *
 *   half-width = σ · sqrt( 2(nρ² + 1) / (n²ρ²) · ln( sqrt(nρ² + 1) / α ) )
 *   ρ          = sqrt( (−2 ln α + ln(−2 ln α + 1)) / N )
 *
 * n is the combined sample size of both arms, σ² the per-observation variance — for a difference
 * of proportions SE² · n with SE² = pT(1 − pT)/nT + pC(1 − pC)/nC — and N the tuning parameter:
 * the sample size at which the sequence is tightest (we use the planned size at readout).
 */
import type { ArmCounts, Interval } from './lift.ts';

export interface ConfidenceSequence {
  estimate: number;
  ci: Interval;
  /** The sequence excludes zero: the lift is real at level alpha however often it was looked at. */
  rejectsZero: boolean;
}

/** ρ for tuning parameter N (> 0) and alpha. */
export function mixingRho(tuning: number, alpha: number): number {
  const l = Math.log(alpha);
  return Math.sqrt((-2 * l + Math.log(-2 * l + 1)) / tuning);
}

/** Half-width of the sequence at combined size n for per-observation variance s2. */
export function sequentialHalfWidth(s2: number, n: number, tuning: number, alpha: number): number {
  const rho2 = mixingRho(tuning, alpha) ** 2;
  const nr = n * rho2;
  return Math.sqrt(s2) * Math.sqrt(((2 * (nr + 1)) / (n * nr)) * Math.log(Math.sqrt(nr + 1) / alpha));
}

/**
 * The confidence sequence for pT − pC at the current counts. When either arm has no conversions
 * or no non-conversions the plug-in variance is 0 and the normal approximation says nothing, so
 * the sequence is (−1, 1): no look rejects on so little data.
 */
export function confidenceSequence(t: ArmCounts, c: ArmCounts, tuning: number, alpha = 0.05): ConfidenceSequence {
  if (!(tuning > 0)) throw new RangeError('the tuning parameter (planned sample size) must be positive');
  if (t.units === 0 || c.units === 0) return { estimate: Number.NaN, ci: [-1, 1], rejectsZero: false };
  const pt = t.conversions / t.units;
  const pc = c.conversions / c.units;
  const d = pt - pc;
  const vt = pt * (1 - pt);
  const vc = pc * (1 - pc);
  if (vt === 0 || vc === 0) return { estimate: d, ci: [-1, 1], rejectsZero: false };
  const n = t.units + c.units;
  const s2 = (vt / t.units + vc / c.units) * n;
  const h = sequentialHalfWidth(s2, n, tuning, alpha);
  const ci: Interval = [d - h, d + h];
  return { estimate: d, ci, rejectsZero: ci[0] > 0 || ci[1] < 0 };
}
