/**
 * Reference values: python3 test/outcomes/reference-values.py (scipy 1.17), each formula written
 * there from its paper. Newcombe (1998) Table II's example 56/70 vs 48/80 prints 0.0524 to 0.3339.
 */
import { describe, expect, it } from 'vitest';
import { twoProportionZTest } from '../../src/outcomes/fixed-horizon.ts';
import { absoluteLift, incremental, relativeLift, revenuePerProspect, wilsonInterval } from '../../src/outcomes/lift.ts';
import { near, nearRel } from './near.ts';

const T = { units: 1200, conversions: 60, revenue: 930000.0, revenueSumSquares: 18762542372.881355 };
const C = { units: 1150, conversions: 38, revenue: 513000.0, revenueSumSquares: 8691216216.216217 };

describe('absolute lift (Newcombe hybrid score)', () => {
  it("matches Newcombe's worked example", () => {
    const r = absoluteLift({ units: 70, conversions: 56 }, { units: 80, conversions: 48 });
    near(r.estimate, 0.2);
    near(r.ci[0], 0.052431472402365065);
    near(r.ci[1], 0.333872654036906);
    expect(r.ci[0].toFixed(4)).toBe('0.0524');
    expect(r.ci[1].toFixed(4)).toBe('0.3339');
  });

  it('matches a B2B-sized example', () => {
    const r = absoluteLift(T, C);
    near(r.estimate, 0.01695652173913044);
    near(r.ci[0], 0.0007164597069010473);
    near(r.ci[1], 0.03339039779728349);
  });

  it('Wilson stays inside [0, 1] with no conversions', () => {
    const [lo, hi] = wilsonInterval(0, 40);
    expect(lo).toBe(0);
    near(hi, 0.08762160119728665);
  });
});

describe('relative lift (delta method)', () => {
  it('matches the reference', () => {
    const r = relativeLift(T, C)!;
    near(r.estimate, 0.5131578947368423);
    near(r.ci[0], -0.08940149176296186);
    near(r.ci[1], 1.1157172812366465);
  });
  it('is null with no control conversions', () => {
    expect(relativeLift(T, { units: 100, conversions: 0 })).toBeNull();
  });
});

describe('revenue per prospect, incremental figures and ROI', () => {
  it('matches the Welch interval on the per-unit revenue vectors', () => {
    const r = revenuePerProspect(T, C);
    near(r.treatment, 930000 / 1200);
    near(r.control, 513000 / 1150);
    near(r.difference, 328.9130434782609);
    near(r.ci![0], 59.15042411382444);
    near(r.ci![1], 598.6756628426973);
  });

  it('has no interval without sums of squares', () => {
    expect(revenuePerProspect({ units: 10, conversions: 1, revenue: 5 }, { units: 10, conversions: 0 }).ci).toBeNull();
  });

  it('scales lift to the treated arm and computes ROI against cost', () => {
    const lift = absoluteLift(T, C);
    const rpp = revenuePerProspect(T, C);
    const inc = incremental(T, lift, rpp, 100_000);
    near(inc.conversions.estimate, 0.01695652173913044 * 1200);
    near(inc.conversions.ci[0], 0.0007164597069010473 * 1200);
    near(inc.revenue.estimate, 328.9130434782609 * 1200);
    near(inc.roi!.estimate, (328.9130434782609 * 1200 - 100_000) / 100_000);
    near(inc.roi!.ci![0], (59.15042411382444 * 1200 - 100_000) / 100_000);
    expect(incremental(T, lift, rpp).roi).toBeNull();
  });
});

describe('fixed-horizon two-proportion z-test', () => {
  it('matches the pooled z-test', () => {
    const r = twoProportionZTest(T, C);
    near(r.z, 2.0554788593473905);
    near(r.pValue, 0.03983277553967945);
    expect(r.significant).toBe(true);
    expect(twoProportionZTest(T, C, 0.01).significant).toBe(false);
  });
  it('keeps a tiny p-value exact (erfc, not 1 − Φ)', () => {
    const r = twoProportionZTest({ units: 1000, conversions: 400 }, { units: 1000, conversions: 100 });
    near(r.z, 15.49193338482967);
    nearRel(r.pValue, 3.9328331793483447e-54, 1e-8);
  });
  it('says nothing when there is no variance', () => {
    expect(twoProportionZTest({ units: 50, conversions: 0 }, { units: 50, conversions: 0 })).toEqual({ z: 0, pValue: 1, significant: false });
  });
});
