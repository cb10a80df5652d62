/**
 * Sample-ratio mismatch: are the arms' sizes what the design says? A chi-square goodness-of-fit
 * test of the observed counts against the designed shares (as GrowthBook and Optimizely run
 * it). A mismatch means assignment, exposure logging or the conversion join is broken, and no
 * lift computed on such arms can be trusted — so p below 0.001 holds the results. The strict
 * threshold is the industry's (GrowthBook, Eppo, Statsig): the check runs at every look, and a
 * real mismatch in a campaign of any size gives p far below it.
 */
import { chiSquareUpper } from './distributions.ts';

/** p below this holds the results. */
export const SRM_P_THRESHOLD = 0.001;

export interface SrmCheck {
  chiSquare: number;
  pValue: number;
  /** pValue < SRM_P_THRESHOLD: results are withheld until assignment is repaired. */
  mismatch: boolean;
  expected: number[];
}

/** observed[k] units in arm k against designed shares[k] (positive, summing to 1). */
export function sampleRatioCheck(observed: number[], shares: number[]): SrmCheck {
  if (observed.length !== shares.length || observed.length < 2) throw new RangeError('one designed share per arm, at least two arms');
  const sumShares = shares.reduce((a, b) => a + b, 0);
  if (shares.some((s) => !(s > 0)) || Math.abs(sumShares - 1) > 1e-9) throw new RangeError('designed shares must be positive and sum to 1');
  const total = observed.reduce((a, b) => a + b, 0);
  const expected = shares.map((s) => s * total);
  if (total === 0) return { chiSquare: 0, pValue: 1, mismatch: false, expected };
  const chiSquare = observed.reduce((acc, o, k) => acc + (o - expected[k]!) ** 2 / expected[k]!, 0);
  const pValue = chiSquareUpper(chiSquare, observed.length - 1);
  return { chiSquare, pValue, mismatch: pValue < SRM_P_THRESHOLD, expected };
}
