/**
 * The fixed-horizon test: a two-sided two-proportion z-test with the pooled variance (the
 * textbook test of H0: pT = pC; scipy/statsmodels `proportions_ztest`), valid once, at the
 * pre-registered readout. Looking at it every day and stopping when it is significant inflates
 * false positives; daily looks use the confidence sequence (sequential.ts) instead.
 */
import { twoSidedP } from './distributions.ts';
import type { ArmCounts } from './lift.ts';

export interface FixedHorizonTest {
  z: number;
  pValue: number;
  /** pValue < alpha. */
  significant: boolean;
}

export function twoProportionZTest(t: ArmCounts, c: ArmCounts, alpha = 0.05): FixedHorizonTest {
  const pt = t.conversions / t.units;
  const pc = c.conversions / c.units;
  const pooled = (t.conversions + c.conversions) / (t.units + c.units);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / t.units + 1 / c.units));
  // No variance (both arms all 0 or all 1, or an empty arm): no evidence of a difference.
  if (!(se > 0)) return { z: 0, pValue: 1, significant: false };
  const z = (pt - pc) / se;
  const pValue = twoSidedP(z);
  return { z, pValue, significant: pValue < alpha };
}
