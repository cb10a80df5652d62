import { describe, expect, it } from 'vitest';
import { effectiveness } from '../../src/matching/effectiveness.ts';
import { learnEffects, type EffectCell } from '../../src/outcomes/learning.ts';
import { fitBetaPrior, shrinkRates } from '../../src/outcomes/shrinkage.ts';

const cell = (influencerId: number, stage: string, tU: number, tC: number, cU: number, cC: number): EffectCell => ({ influencerId, stage, treatmentUnits: tU, treatmentConversions: tC, controlUnits: cU, controlConversions: cC });

describe('learnEffects', () => {
  it('pools a cell over campaigns, then shrinks each arm across cells with shrinkage.ts', () => {
    const cells = [cell(1, 'decision', 100, 20, 100, 10), cell(1, 'decision', 100, 22, 100, 9), cell(2, 'decision', 3, 2, 3, 0), cell(3, 'awareness', 200, 12, 200, 11)];
    const learned = learnEffects(cells);
    expect(learned.map((l) => `${l.influencerId}:${l.stage}`)).toEqual(['1:decision', '2:decision', '3:awareness']);
    const t = [{ key: '0', units: 200, conversions: 42 }, { key: '1', units: 3, conversions: 2 }, { key: '2', units: 200, conversions: 12 }];
    const expected = shrinkRates(t, fitBetaPrior(t));
    learned.forEach((l, i) => expect(l.shrunkTreatment).toBeCloseTo(expected[i]!.shrunk, 12));
    // 2 of 3 is not a star: shrunk far below its raw 67%.
    expect(learned[1]!.shrunkTreatment).toBeLessThan(0.3);
    expect(learnEffects([])).toEqual([]);
  });
});

describe('effectiveness from shrunk holdout rates', () => {
  it('is treated ÷ (2 × control), clamped: 0.5 means no incremental effect', () => {
    expect(effectiveness({ wins: 0, trials: 10, shrunk: { treatment: 0.1, control: 0.1 } })).toBeCloseTo(0.5, 12);
    expect(effectiveness({ wins: 0, trials: 10, shrunk: { treatment: 0.15, control: 0.1 } })).toBeCloseTo(0.75, 12);
    expect(effectiveness({ wins: 0, trials: 10, shrunk: { treatment: 0.5, control: 0.1 } })).toBe(1);
    expect(effectiveness(undefined)).toBe(0.5);
  });
});
