import { describe, expect, it } from 'vitest';
import { absoluteLift } from '../../src/outcomes/lift.ts';
import { buildCampaignReport, type ReportInput } from '../../src/outcomes/report.ts';
import { near } from './near.ts';

const design = { id: 'cmp_1', holdoutShare: 0.5, alpha: 0.05, readoutAt: '2026-12-31T00:00:00Z', plannedUnits: 2400, cost: 50_000 };
const T = { units: 1200, conversions: 60, revenue: 930000, revenueSumSquares: 18762542372.881355 };
const C = { units: 1150, conversions: 38, revenue: 513000, revenueSumSquares: 8691216216.216217 };

function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    design,
    asOf: '2027-01-02T00:00:00Z',
    overall: { treatment: T, control: C, exposed: { units: 500, conversions: 40 } },
    influencers: [
      { key: 'dana', treatment: { units: 400, conversions: 36 }, control: { units: 390, conversions: 14 } },
      { key: 'lee', treatment: { units: 400, conversions: 22 }, control: { units: 380, conversions: 18 } },
      { key: 'kim', treatment: { units: 2, conversions: 1 }, control: { units: 3, conversions: 0 } },
      { key: 'ro', treatment: { units: 395, conversions: 27 }, control: { units: 374, conversions: 13 } },
      { key: 'sam', treatment: { units: 380, conversions: 17 }, control: { units: 385, conversions: 19 } },
    ],
    stages: [
      { key: 'consideration', treatment: { units: 700, conversions: 30 }, control: { units: 680, conversions: 20 } },
      { key: 'decision', treatment: { units: 500, conversions: 30 }, control: { units: 470, conversions: 18 } },
    ],
    ...over,
  };
}

describe('campaign report', () => {
  it('reads the campaign at the readout: intent-to-treat lift, the test, incremental revenue and ROI', () => {
    const r = buildCampaignReport(input());
    expect(r.primaryAnalysis).toBe('intent-to-treat');
    expect(r.afterReadout).toBe(true);
    expect(r.held).toBe(false);
    const a = r.overall.analysis!;
    near(a.absoluteLift.ci[0], 0.0007164597069010473);
    near(a.fixedHorizon.pValue, 0.03983277553967945);
    expect(r.overall.verdict).toBe('positive');
    expect(r.overall.label).toBe('lift +1.7 points (95% interval +0.1 to +3.3)');
    near(a.incremental.revenue.estimate, 328.9130434782609 * 1200);
    near(a.incremental.roi!.estimate, (328.9130434782609 * 1200 - 50_000) / 50_000);
    // Exposed-only is there, and labelled as what it is.
    expect(r.overall.observational!.label).toMatch(/^observational/);
    near(r.overall.observational!.difference, 40 / 500 - 38 / 1150);
  });

  it('before the readout, verdicts come from the confidence sequence, not the z-test', () => {
    const r = buildCampaignReport(input({ asOf: '2026-12-01T00:00:00Z' }));
    expect(r.afterReadout).toBe(false);
    expect(r.overall.analysis!.fixedHorizon.significant).toBe(true);
    expect(r.overall.analysis!.sequential.rejectsZero).toBe(false);
    expect(r.overall.verdict).toBe('inconclusive');
  });

  it('before the readout, a clear effect is shown with the always-valid interval', () => {
    const r = buildCampaignReport(input({ asOf: '2026-12-01T00:00:00Z', overall: { treatment: { units: 10000, conversions: 900 }, control: { units: 10000, conversions: 700 } } }));
    expect(r.overall.verdict).toBe('positive');
    // The confidence sequence at these counts (tuning 2,400): +0.8 to +3.2 points (test/outcomes/tests.unit.test.ts has it to 1e-9 at tuning 20,000).
    const cs = r.overall.analysis!.sequential.ci;
    expect(r.overall.label).toBe(`lift +2.0 points (always-valid 95% interval +${(100 * cs[0]).toFixed(1)} to +${(100 * cs[1]).toFixed(1)})`);
  });

  it('states the pre-registered level', () => {
    const r = buildCampaignReport({ ...input(), design: { ...design, alpha: 0.1 } });
    expect(r.overall.label).toMatch(/^lift \+1\.7 points \(90% interval /);
  });

  it('holds every result on a sample-ratio mismatch', () => {
    const r = buildCampaignReport(input({ overall: { treatment: { units: 5450, conversions: 300 }, control: { units: 4550, conversions: 200 } } }));
    expect(r.held).toBe(true);
    expect(r.overall.verdict).toBe('held');
    expect(r.overall.analysis).toBeNull();
    expect(r.overall.label).toMatch(/^held — sample-ratio mismatch/);
    expect(r.influencers.every((i) => i.verdict === 'held' && i.analysis === null)).toBe(true);
    expect(r.learning).toBeNull();
    // Counts stay visible, so the mismatch can be investigated.
    expect(r.overall.treatment.units).toBe(5450);
  });

  it('controls false discoveries across influencers and says what more data would settle', () => {
    const r = buildCampaignReport(input());
    const byKey = Object.fromEntries(r.influencers.map((i) => [i.key, i]));
    expect(byKey.dana!.verdict).toBe('positive');
    // ro alone would pass at 5% (27/395 vs 13/374: p = 0.036, interval above zero); among five influencers its BH q-value does not.
    expect(byKey.ro!.analysis!.fixedHorizon.pValue).toBeLessThan(0.05);
    expect(byKey.ro!.analysis!.fixedHorizon.qValue).toBeGreaterThan(0.05);
    expect(byKey.ro!.analysis!.absoluteLift.ci[0]).toBeGreaterThan(0);
    expect(byKey.ro!.verdict).toBe('inconclusive');
    expect(byKey.lee!.verdict).toBe('inconclusive');
    expect(byKey.lee!.label).toMatch(/^inconclusive — about [\d,]+ more prospects needed$/);
    expect(byKey.kim!.verdict).toBe('inconclusive');
  });

  it('ranks influencers on shrunk lift: 1 of 2 does not outrank 36 of 400', () => {
    const r = buildCampaignReport(input());
    const rank = Object.fromEntries(r.learning!.influencers.map((i) => [i.key, i]));
    expect(rank.kim!.rawLift).toBeGreaterThan(rank.dana!.rawLift);
    expect(rank.dana!.rank).toBe(1);
    expect(rank.kim!.shrunkLift).toBeLessThan(rank.kim!.rawLift / 4);
    const order = [...r.learning!.influencers].sort((a, b) => a.rank - b.rank).map((i) => i.shrunkLift);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    expect(r.learning!.stages).toHaveLength(2);
  });

  it('gives no ROI when no revenue was counted, rather than a loss of the whole cost', () => {
    const r = buildCampaignReport(input({ overall: { treatment: { units: 1200, conversions: 60 }, control: { units: 1150, conversions: 38 } } }));
    expect(r.overall.analysis!.incremental.roi).toBeNull();
  });

  it('gives no minimum detectable effect when nothing has converted yet', () => {
    const r = buildCampaignReport(input({ asOf: '2026-12-01T00:00:00Z', overall: { treatment: { units: 300, conversions: 0 }, control: { units: 290, conversions: 0 } } }));
    expect(r.overall.analysis!.power.mde).toBeNull();
    expect(r.overall.label).toBe('inconclusive — no lift observed yet');
  });

  it('is pure: the same input gives the same report', () => {
    expect(buildCampaignReport(input())).toEqual(buildCampaignReport(input()));
    expect(absoluteLift(T, C)).toEqual(absoluteLift(T, C));
  });

  it('refuses impossible counts', () => {
    expect(() => buildCampaignReport(input({ overall: { treatment: { units: 10, conversions: 11 }, control: C } }))).toThrow(RangeError);
    expect(() => buildCampaignReport(input({ asOf: 'yesterday' }))).toThrow(RangeError);
    expect(() => buildCampaignReport({ ...input(), design: { ...design, holdoutShare: 0 } })).toThrow(/holdoutShare/);
    expect(() => buildCampaignReport({ ...input(), design: { ...design, plannedUnits: 0 } })).toThrow(/plannedUnits/);
  });
});
