/**
 * Confidence sequence, sample-ratio check, Benjamini–Hochberg and power, against
 * python3 test/outcomes/reference-values.py (scipy 1.17: stats.chisquare,
 * stats.false_discovery_control, stats.norm; the confidence sequence written from
 * Waudby-Smith et al. 2023 eqs. 9 and 161).
 */
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, bhDiscoveries } from '../../src/outcomes/fdr.ts';
import { minimumDetectableEffect, powerStatus, prospectsNeeded, roundForHumans } from '../../src/outcomes/power.ts';
import { confidenceSequence, sequentialHalfWidth } from '../../src/outcomes/sequential.ts';
import { sampleRatioCheck } from '../../src/outcomes/srm.ts';
import { near, nearRel } from './near.ts';

describe('confidence sequence', () => {
  it('matches the reference at B2B size', () => {
    const r = confidenceSequence({ units: 1200, conversions: 60 }, { units: 1150, conversions: 38 }, 5000, 0.05);
    near(r.estimate, 0.01695652173913044);
    near(r.ci[0], -0.008432252650280789);
    near(r.ci[1], 0.04234529612854167);
    // The fixed-horizon test rejects these counts at 5% (p = 0.040); the always-valid sequence does not.
    expect(r.rejectsZero).toBe(false);
  });
  it('rejects a large effect on large arms', () => {
    const r = confidenceSequence({ units: 10000, conversions: 900 }, { units: 10000, conversions: 700 }, 20000, 0.05);
    near(r.ci[0], 0.00836283298459911);
    near(r.ci[1], 0.03163716701540087);
    expect(r.rejectsZero).toBe(true);
  });
  it('is wider than the fixed-horizon interval at every n (the price of looking daily)', () => {
    for (const n of [10, 100, 1000, 10000, 100000]) expect(sequentialHalfWidth(1, n, 5000, 0.05)).toBeGreaterThan(1.959964 / Math.sqrt(n));
  });
  it('never rejects while an arm has no conversions', () => {
    const r = confidenceSequence({ units: 300, conversions: 20 }, { units: 300, conversions: 0 }, 5000);
    expect(r.ci).toEqual([-1, 1]);
    expect(r.rejectsZero).toBe(false);
  });
});

describe('sample-ratio check', () => {
  it('trips on 45/55 from a 50/50 design', () => {
    const r = sampleRatioCheck([4550, 5450], [0.5, 0.5]);
    near(r.chiSquare, 81);
    nearRel(r.pValue, 2.257176811907684e-19, 1e-8);
    expect(r.mismatch).toBe(true);
  });
  it('passes a split within chance', () => {
    const r = sampleRatioCheck([1020, 980], [0.5, 0.5]);
    near(r.chiSquare, 0.8);
    near(r.pValue, 0.37109336952269756);
    expect(r.mismatch).toBe(false);
  });
  it('handles more than two arms and unequal shares', () => {
    const r = sampleRatioCheck([310, 290, 400], [0.3, 0.3, 0.4]);
    near(r.chiSquare, 0.6666666666666666);
    near(r.pValue, 0.7165313105737892);
  });
  it('refuses shares that do not sum to 1', () => {
    expect(() => sampleRatioCheck([1, 2], [0.5, 0.6])).toThrow(RangeError);
  });
});

describe('Benjamini–Hochberg', () => {
  it('matches scipy.stats.false_discovery_control', () => {
    const ps = [0.01, 0.04, 0.03, 0.005, 0.2, 0.5, 0.04];
    const ref = [0.035, 0.055999999999999994, 0.055999999999999994, 0.035, 0.23333333333333336, 0.5, 0.055999999999999994];
    benjaminiHochberg(ps).forEach((q, i) => near(q, ref[i]!));
    expect(bhDiscoveries(ps, 0.05)).toEqual([true, false, false, true, false, false, false]);
  });
});

describe('power', () => {
  it("matches the known B2B figure: 5% baseline, 400 per arm → about +4.3 points", () => {
    near(minimumDetectableEffect(0.05, 400, 400), 0.04317532787261619);
  });
  it('prospects needed for a 1-point lift at an 80/20 split', () => {
    near(prospectsNeeded(0.05, 0.01, 0.8), 23301.361711348858);
  });
  it('says inconclusive with the prospects still needed when the interval spans zero', () => {
    const s = powerStatus(400, 400, 0.05, 0.01, [-0.02, 0.04]);
    // 2.8016² · 0.0475 · 4 / 0.01² = 14,912 in all, 800 already in.
    expect(s.inconclusive).toBe(true);
    expect(s.moreProspectsNeeded).toBe(Math.ceil(prospectsNeeded(0.05, 0.01, 0.5) - 800));
    expect(s.label).toBe('inconclusive — about 14,000 more prospects needed');
    expect(powerStatus(400, 400, 0.05, 0.05, [0.01, 0.09]).label).toBeNull();
    expect(powerStatus(400, 400, 0.05, 0, [-0.02, 0.02]).label).toBe('inconclusive — no lift observed yet');
  });
  it('rounds to two significant figures', () => {
    expect(roundForHumans(14112)).toBe('14,000');
    expect(roundForHumans(87)).toBe('87');
    expect(roundForHumans(155)).toBe('160');
  });
});
