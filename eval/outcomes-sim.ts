/**
 * Simulation studies of the outcome statistics (src/outcomes), shared by eval:outcomes and
 * test/outcomes/simulation.unit.test.ts. Seeded (mulberry32, one stream per study), so the same
 * seed gives the same figures on any machine; no wall time involved.
 *
 * Each simulated campaign assigns units one at a time to control with the holdout share (as the
 * hash in src/outcomes/assignment.ts does, uniformly) and converts each with its arm's true rate.
 */
import { mulberry32 } from '../src/domain/prng.ts';
import { zCritical } from '../src/outcomes/distributions.ts';
import { twoProportionZTest } from '../src/outcomes/fixed-horizon.ts';
import { absoluteLift, relativeLift, type ArmCounts } from '../src/outcomes/lift.ts';
import { confidenceSequence } from '../src/outcomes/sequential.ts';
import { sampleRatioCheck } from '../src/outcomes/srm.ts';
import { streamSeed } from './market.ts';

export interface CoverageParams {
  sims: number;
  seed: number;
  units: number;
  holdoutShare: number;
  baseline: number;
  /** Planted absolute lift of the treatment's conversion rate. */
  lift: number;
  alpha: number;
}

export const COVERAGE_DEFAULTS: Omit<CoverageParams, 'sims' | 'seed'> = { units: 2000, holdoutShare: 0.3, baseline: 0.05, lift: 0.02, alpha: 0.05 };

/** Draw one campaign's arms: each unit control with probability holdoutShare, converting with its arm's rate. */
function campaign(rng: () => number, units: number, holdoutShare: number, pc: number, pt: number): { t: ArmCounts; c: ArmCounts } {
  const t = { units: 0, conversions: 0 };
  const c = { units: 0, conversions: 0 };
  for (let i = 0; i < units; i++) {
    const arm = rng() < holdoutShare ? c : t;
    arm.units++;
    if (rng() < (arm === c ? pc : pt)) arm.conversions++;
  }
  return { t, c };
}

export interface CoverageResult {
  /** Share of campaigns whose 95% Newcombe interval covers the planted lift. */
  intervalCoverage: number;
  /** Same for the delta-method interval of the relative lift (campaigns with control conversions). */
  relativeIntervalCoverage: number;
  /** Share of campaigns where the readout test finds the planted lift (power). */
  readoutPower: number;
  /** The Wald interval's coverage on the same campaigns, for contrast (why lift.ts uses Newcombe). */
  waldIntervalCoverage: number;
}

export function coverageStudy(p: CoverageParams): CoverageResult {
  const rng = mulberry32(streamSeed(p.seed, 'outcomes:coverage'));
  const pt = p.baseline + p.lift;
  const trueRel = pt / p.baseline - 1;
  let covered = 0;
  let relCovered = 0;
  let relCount = 0;
  let found = 0;
  let wald = 0;
  const z = zCritical(p.alpha);
  for (let s = 0; s < p.sims; s++) {
    const { t, c } = campaign(rng, p.units, p.holdoutShare, p.baseline, pt);
    const abs = absoluteLift(t, c, p.alpha);
    if (abs.ci[0] <= p.lift && p.lift <= abs.ci[1]) covered++;
    const rt = t.conversions / t.units;
    const rc = c.conversions / c.units;
    const h = z * Math.sqrt((rt * (1 - rt)) / t.units + (rc * (1 - rc)) / c.units);
    if (Math.abs(rt - rc - p.lift) <= h) wald++;
    const rel = relativeLift(t, c, p.alpha);
    if (rel) {
      relCount++;
      if (rel.ci[0] <= trueRel && trueRel <= rel.ci[1]) relCovered++;
    }
    const test = twoProportionZTest(t, c, p.alpha);
    if (test.significant && test.z > 0) found++;
  }
  return { intervalCoverage: covered / p.sims, relativeIntervalCoverage: relCount ? relCovered / relCount : Number.NaN, readoutPower: found / p.sims, waldIntervalCoverage: wald / p.sims };
}

export interface SequentialParams {
  sims: number;
  seed: number;
  days: number;
  unitsPerDay: number;
  holdoutShare: number;
  baseline: number;
  alpha: number;
}

export const SEQUENTIAL_DEFAULTS: Omit<SequentialParams, 'sims' | 'seed'> = { days: 60, unitsPerDay: 50, holdoutShare: 0.5, baseline: 0.05, alpha: 0.05 };

export interface SequentialResult {
  /** Share of no-effect campaigns whose confidence sequence excluded zero at ANY of the daily looks. */
  sequentialFalsePositiveRate: number;
  /** Share where the fixed-horizon z-test, misused at every daily look, was ever significant: why the sequence exists. */
  peekingFalsePositiveRate: number;
  /** Share where the z-test at the last day only was significant (should be about alpha). */
  readoutFalsePositiveRate: number;
}

/** No true effect; every campaign is looked at daily for `days` days. */
export function sequentialStudy(p: SequentialParams): SequentialResult {
  const rng = mulberry32(streamSeed(p.seed, 'outcomes:sequential'));
  const planned = p.days * p.unitsPerDay;
  let csRejects = 0;
  let peekRejects = 0;
  let readoutRejects = 0;
  for (let s = 0; s < p.sims; s++) {
    const t = { units: 0, conversions: 0 };
    const c = { units: 0, conversions: 0 };
    let cs = false;
    let peek = false;
    let last = false;
    for (let d = 0; d < p.days; d++) {
      for (let i = 0; i < p.unitsPerDay; i++) {
        const arm = rng() < p.holdoutShare ? c : t;
        arm.units++;
        if (rng() < p.baseline) arm.conversions++;
      }
      if (!cs && confidenceSequence(t, c, planned, p.alpha).rejectsZero) cs = true;
      const z = twoProportionZTest(t, c, p.alpha).significant;
      if (z) peek = true;
      if (d === p.days - 1) last = z;
    }
    if (cs) csRejects++;
    if (peek) peekRejects++;
    if (last) readoutRejects++;
  }
  return { sequentialFalsePositiveRate: csRejects / p.sims, peekingFalsePositiveRate: peekRejects / p.sims, readoutFalsePositiveRate: readoutRejects / p.sims };
}

export interface SrmParams {
  sims: number;
  seed: number;
  units: number;
  /** The designed control share. */
  designShare: number;
  /** The control share assignment really produced (broken assignment or tracking). */
  actualShare: number;
}

export const SRM_DEFAULTS: Omit<SrmParams, 'sims' | 'seed'> = { units: 4000, designShare: 0.5, actualShare: 0.45 };

export interface SrmResult {
  /** Share of campaigns with the broken split that the check holds. */
  srmDetectionRate: number;
  /** Share of campaigns with a correct split that the check holds anyway (about 0.001). */
  srmFalseAlarmRate: number;
}

export function srmStudy(p: SrmParams): SrmResult {
  const rng = mulberry32(streamSeed(p.seed, 'outcomes:srm'));
  const holds = (share: number) => {
    let held = 0;
    for (let s = 0; s < p.sims; s++) {
      let control = 0;
      for (let i = 0; i < p.units; i++) if (rng() < share) control++;
      if (sampleRatioCheck([p.units - control, control], [1 - p.designShare, p.designShare]).mismatch) held++;
    }
    return held / p.sims;
  };
  return { srmDetectionRate: holds(p.actualShare), srmFalseAlarmRate: holds(p.designShare) };
}
