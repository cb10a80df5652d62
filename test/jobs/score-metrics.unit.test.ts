import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/jobs/score.ts';

const now = new Date('2026-11-20T00:00:00Z');
const person = (id: number, providerScores: { provider: string; score: number; min: number; max: number }[]) => ({ id, audienceSize: null, topics: [], providerScores });

describe('computeMetrics', () => {
  it('normalises provider scores to percentiles within the installation, whatever their scale', () => {
    // Kred runs 0..1000, Klout 0..100: each person tops their own provider's range here.
    const m = computeMetrics(
      [
        person(1, [{ provider: 'kred', score: 300, min: 0, max: 1000 }]),
        person(2, [{ provider: 'kred', score: 310, min: 0, max: 1000 }]),
        person(3, [{ provider: 'klout', score: 20, min: 0, max: 100 }]),
        person(4, [{ provider: 'klout', score: 90, min: 0, max: 100 }]),
      ],
      [],
      now,
    );
    // Raw min-max would give person 2 (310/1000) far less than person 4 (90/100); as
    // percentiles both are the top of their provider and score the same.
    expect(m.get(2)!.influenceScore).toBe(m.get(4)!.influenceScore);
    expect(m.get(1)!.influenceScore).toBe(m.get(3)!.influenceScore);
    expect(m.get(2)!.influenceScore).toBeGreaterThan(m.get(1)!.influenceScore);
  });
});
