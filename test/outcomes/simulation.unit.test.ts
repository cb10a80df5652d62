/**
 * The simulation criteria, seeded (same figures on every run and machine; no timing):
 * 1,000 campaigns per study, the same code as `npm run eval:outcomes` (eval/outcomes-sim.ts).
 */
import { describe, expect, it } from 'vitest';
import { COVERAGE_DEFAULTS, coverageStudy, SEQUENTIAL_DEFAULTS, sequentialStudy, SRM_DEFAULTS, srmStudy } from '../../eval/outcomes-sim.ts';

const SIMS = 1000;

describe('simulation studies', () => {
  it('the 95% interval covers a planted lift 93–97% of the time', () => {
    const r = coverageStudy({ sims: SIMS, seed: 1, ...COVERAGE_DEFAULTS });
    expect(r.intervalCoverage).toBeGreaterThanOrEqual(0.93);
    expect(r.intervalCoverage).toBeLessThanOrEqual(0.97);
  });

  it('with no effect, the confidence sequence looked at daily for 60 days rejects at most 5% — peeking at the z-test would not', () => {
    const r = sequentialStudy({ sims: SIMS, seed: 1, ...SEQUENTIAL_DEFAULTS });
    expect(r.sequentialFalsePositiveRate).toBeLessThanOrEqual(0.05);
    // The contrast that justifies the sequence: daily z-tests find "winners" in pure noise.
    expect(r.peekingFalsePositiveRate).toBeGreaterThan(0.15);
  });

  it('a 45/55 split from a 50/50 design trips the sample-ratio check; a correct split rarely does', () => {
    const r = srmStudy({ sims: SIMS, seed: 1, ...SRM_DEFAULTS });
    expect(r.srmDetectionRate).toBeGreaterThanOrEqual(0.99);
    expect(r.srmFalseAlarmRate).toBeLessThanOrEqual(0.01);
  });

  it('is reproducible from its seed', () => {
    const a = coverageStudy({ sims: 50, seed: 7, ...COVERAGE_DEFAULTS });
    expect(coverageStudy({ sims: 50, seed: 7, ...COVERAGE_DEFAULTS })).toEqual(a);
  });
});
