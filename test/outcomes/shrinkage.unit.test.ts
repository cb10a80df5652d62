/** Reference: python3 test/outcomes/reference-values.py ("shrink": Kleinman's moments in numpy, scipy.stats.beta.ppf). */
import { describe, expect, it } from 'vitest';
import { fitBetaPrior, shrinkRates } from '../../src/outcomes/shrinkage.ts';
import { near } from './near.ts';

const GROUPS = [
  [3, 40],
  [10, 60],
  [1, 25],
  [30, 150],
  [0, 12],
  [8, 45],
].map(([x, n], i) => ({ key: `inf${i}`, units: n!, conversions: x! }));

describe('Beta-Binomial shrinkage', () => {
  it('fits the prior by moments', () => {
    const p = fitBetaPrior(GROUPS);
    expect(p.method).toBe('moments');
    near(p.alpha, 8.707846024123624);
    near(p.beta, 46.88840166835798);
  });

  it('shrinks each rate to the posterior mean with its credible interval', () => {
    const means = [0.12247181564893594, 0.16183783122348172, 0.12045034728123227, 0.18827116962766985, 0.12882144085480288, 0.1660881633994818];
    const lo = [0.06500457506895342, 0.10080961935850499, 0.05929823792175467, 0.13794681025668704, 0.06063219927251486, 0.10034989347079513];
    const hi = [0.19484572865225178, 0.23392987737278256, 0.19936223767677877, 0.24433619908993343, 0.21771134199583478, 0.24437807207101123];
    const r = shrinkRates(GROUPS);
    r.forEach((g, i) => {
      near(g.shrunk, means[i]!);
      near(g.ci[0], lo[i]!);
      near(g.ci[1], hi[i]!);
    });
  });

  it('ranks on shrunk rates, not raw: 2 of 5 does not beat 30 of 150', () => {
    const r = shrinkRates([...GROUPS, { key: 'lucky', units: 5, conversions: 2 }]);
    const lucky = r.find((g) => g.key === 'lucky')!;
    const steady = r.find((g) => g.key === 'inf3')!;
    expect(lucky.raw).toBeGreaterThan(steady.raw);
    expect(steady.rank).toBe(1);
    expect(lucky.rank).toBeGreaterThan(1);
  });

  it('pools completely when the groups differ no more than chance', () => {
    const same = [0, 1, 2, 3].map((i) => ({ key: `g${i}`, units: 100, conversions: 10 }));
    const p = fitBetaPrior(same);
    expect(p.method).toBe('moments-capped');
    near(p.alpha + p.beta, 400);
    shrinkRates(same).forEach((g) => near(g.shrunk, 0.1));
  });

  it('falls back to Jeffreys when nothing converted', () => {
    const p = fitBetaPrior([{ key: 'a', units: 30, conversions: 0 }, { key: 'b', units: 10, conversions: 0 }]);
    expect(p).toEqual({ alpha: 0.5, beta: 0.5, method: 'jeffreys' });
  });
});
