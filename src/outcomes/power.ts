/**
 * How small a lift could this campaign see, and how much more data would settle it?
 *
 * Minimum detectable effect (absolute, two-sided test at alpha, given power) at the current arm
 * sizes, for a baseline rate p:  MDE = (z_{1−α/2} + z_{power}) · sqrt(p(1 − p)(1/nT + 1/nC)).
 * The README's example ("Measuring campaigns"): 5% baseline, 400 per arm, α 0.05, 80% power → +4.3 points.
 * Prospects needed for the OBSERVED lift d to be detectable, at the current split:
 * N = (z_{1−α/2} + z_{power})² · p(1 − p)(1/wT + 1/wC) / d², with wT, wC the arms' shares.
 */
import { zQuantile, zCritical } from './distributions.ts';

export const DEFAULT_POWER = 0.8;

export function minimumDetectableEffect(baseline: number, nT: number, nC: number, alpha = 0.05, power = DEFAULT_POWER): number {
  if (nT <= 0 || nC <= 0) return Number.POSITIVE_INFINITY;
  return (zCritical(alpha) + zQuantile(power)) * Math.sqrt(baseline * (1 - baseline) * (1 / nT + 1 / nC));
}

/** Total prospects (both arms) for lift d to be detected with the given power at the treatment share wT. Infinity when d is 0. */
export function prospectsNeeded(baseline: number, lift: number, treatmentShare: number, alpha = 0.05, power = DEFAULT_POWER): number {
  if (lift === 0 || !Number.isFinite(lift)) return Number.POSITIVE_INFINITY;
  const k = zCritical(alpha) + zQuantile(power);
  return (k * k * baseline * (1 - baseline) * (1 / treatmentShare + 1 / (1 - treatmentShare))) / (lift * lift);
}

export interface PowerStatus {
  /** Current minimum detectable absolute lift; null until something converted (no rate to size it from). */
  mde: number | null;
  /** The lift's interval spans zero: the data cannot tell. */
  inconclusive: boolean;
  /** When inconclusive: about how many more prospects (both arms, current split) would detect the observed lift; null when none is observed. */
  moreProspectsNeeded: number | null;
  /** "inconclusive — about N more prospects needed", or null when conclusive. */
  label: string | null;
}

/**
 * The power status of a result. Baseline for the variance: the pooled rate of both arms (the
 * best estimate of the common rate under no effect; the control rate alone is 0 too often in
 * small B2B arms).
 */
export function powerStatus(nT: number, nC: number, pooledRate: number, lift: number, liftCi: [number, number], alpha = 0.05, power = DEFAULT_POWER): PowerStatus {
  const mde = pooledRate > 0 && pooledRate < 1 ? minimumDetectableEffect(pooledRate, nT, nC, alpha, power) : null;
  const inconclusive = !(liftCi[0] > 0 || liftCi[1] < 0);
  if (!inconclusive) return { mde, inconclusive, moreProspectsNeeded: null, label: null };
  const total = nT + nC;
  const needed = total > 0 ? prospectsNeeded(pooledRate, lift, nT / total, alpha, power) : Number.POSITIVE_INFINITY;
  const more = Number.isFinite(needed) && pooledRate > 0 && pooledRate < 1 ? Math.max(1, Math.ceil(needed - total)) : null;
  const label = more === null ? 'inconclusive — no lift observed yet' : `inconclusive — about ${roundForHumans(more)} more prospects needed`;
  return { mde, inconclusive, moreProspectsNeeded: more, label };
}

/** Two significant figures: "about 3,400", not "about 3,417" — the figure is an estimate. */
export function roundForHumans(n: number): string {
  if (n < 100) return String(n);
  const p = 10 ** (Math.floor(Math.log10(n)) - 1);
  return (Math.round(n / p) * p).toLocaleString('en-US');
}
