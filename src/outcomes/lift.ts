/**
 * Per-arm conversion rates and the lift of treatment over control, with intervals.
 *
 * Absolute lift interval: Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation
 * for the difference between independent proportions", Stat Med 17:873, method 10), built from
 * the two arms' Wilson score intervals. Chosen over Wald because B2B conversion rates are small
 * (a few percent) and arms are hundreds, not millions: there Wald under-covers and can leave
 * [−1, 1], while Newcombe keeps near-nominal coverage (checked by eval:outcomes) and never
 * leaves the possible range. Relative lift: the delta method on pT / pC − 1, as GrowthBook's
 * stats engine does. Revenue per prospect: Welch's normal interval on the difference in means.
 */
import { zCritical } from './distributions.ts';

/** What was counted in one arm: units (prospects or accounts), how many converted, and the revenue they brought. */
export interface ArmCounts {
  units: number;
  conversions: number;
  /** Sum of converted revenue over the arm's units (deal amounts in the window). */
  revenue?: number;
  /** Sum over units of the unit's revenue squared; gives the revenue interval. */
  revenueSumSquares?: number;
}

export interface ArmPair {
  treatment: ArmCounts;
  control: ArmCounts;
}

export type Interval = [number, number];

export interface Estimate {
  estimate: number;
  ci: Interval;
}

export function checkArm(a: ArmCounts, name: string): void {
  if (!Number.isInteger(a.units) || a.units < 0) throw new RangeError(`${name}: units must be a whole number ≥ 0`);
  if (!Number.isInteger(a.conversions) || a.conversions < 0 || a.conversions > a.units) throw new RangeError(`${name}: conversions must be a whole number between 0 and units`);
}

export function conversionRate(a: ArmCounts): number {
  return a.units === 0 ? Number.NaN : a.conversions / a.units;
}

/** Wilson score interval for x successes in n trials. */
export function wilsonInterval(x: number, n: number, alpha = 0.05): Interval {
  const z = zCritical(alpha);
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** pT − pC with Newcombe's hybrid score interval; NaN when an arm is empty. */
export function absoluteLift(t: ArmCounts, c: ArmCounts, alpha = 0.05): Estimate {
  if (t.units === 0 || c.units === 0) return { estimate: Number.NaN, ci: [Number.NaN, Number.NaN] };
  const p1 = t.conversions / t.units;
  const p2 = c.conversions / c.units;
  const [l1, u1] = wilsonInterval(t.conversions, t.units, alpha);
  const [l2, u2] = wilsonInterval(c.conversions, c.units, alpha);
  const d = p1 - p2;
  return { estimate: d, ci: [d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)] };
}

/**
 * pT / pC − 1 with the delta-method interval: Var(pT/pC) ≈ Var(pT)/pC² + pT²·Var(pC)/pC⁴, with
 * Var(p) = p(1 − p)/n. Null when the control rate is 0 (no ratio to speak of).
 */
export function relativeLift(t: ArmCounts, c: ArmCounts, alpha = 0.05): Estimate | null {
  if (t.units === 0 || c.units === 0 || c.conversions === 0) return null;
  const pt = t.conversions / t.units;
  const pc = c.conversions / c.units;
  const v = (pt * (1 - pt)) / t.units / pc ** 2 + (pt ** 2 * ((pc * (1 - pc)) / c.units)) / pc ** 4;
  const r = pt / pc - 1;
  const h = zCritical(alpha) * Math.sqrt(v);
  return { estimate: r, ci: [r - h, r + h] };
}

export interface RevenuePerProspect {
  treatment: number;
  control: number;
  difference: number;
  /** Welch normal interval; null without revenueSumSquares for both arms or with fewer than 2 units in an arm. */
  ci: Interval | null;
}

/** Sample variance of an arm's per-unit revenue, from its sum and sum of squares. */
function revenueVariance(a: ArmCounts): number | null {
  if (a.revenueSumSquares === undefined || a.units < 2) return null;
  const mean = (a.revenue ?? 0) / a.units;
  return Math.max(0, (a.revenueSumSquares - a.units * mean * mean) / (a.units - 1));
}

export function revenuePerProspect(t: ArmCounts, c: ArmCounts, alpha = 0.05): RevenuePerProspect {
  const rt = (t.revenue ?? 0) / t.units;
  const rc = (c.revenue ?? 0) / c.units;
  const vt = revenueVariance(t);
  const vc = revenueVariance(c);
  const d = rt - rc;
  const ci: Interval | null = vt === null || vc === null ? null : ((h) => [d - h, d + h] as Interval)(zCritical(alpha) * Math.sqrt(vt / t.units + vc / c.units));
  return { treatment: rt, control: rc, difference: d, ci };
}

export interface Incremental {
  /** Conversions among the treated that would not have happened without the campaign: (pT − pC)·nT. */
  conversions: Estimate;
  /** (revenue per treated prospect − per control prospect)·nT; interval null when revenue has none. */
  revenue: { estimate: number; ci: Interval | null };
  /** (incremental revenue − cost) / cost; null without a positive cost or without revenue counted (not a loss of the whole cost). */
  roi: { estimate: number; ci: Interval | null } | null;
}

/** Incremental conversions, revenue and ROI of the treated arm, scaled from the per-prospect lifts. */
export function incremental(t: ArmCounts, lift: Estimate, rpp: RevenuePerProspect, cost?: number): Incremental {
  const n = t.units;
  const revenue = { estimate: rpp.difference * n, ci: rpp.ci ? ([rpp.ci[0] * n, rpp.ci[1] * n] as Interval) : null };
  const roiOf = (x: number) => (x - cost!) / cost!;
  return {
    conversions: { estimate: lift.estimate * n, ci: [lift.ci[0] * n, lift.ci[1] * n] },
    revenue,
    roi: cost !== undefined && cost > 0 && t.revenue !== undefined ? { estimate: roiOf(revenue.estimate), ci: revenue.ci ? [roiOf(revenue.ci[0]), roiOf(revenue.ci[1])] : null } : null,
  };
}
