import { describe, expect, it } from 'vitest';
import { percentileRanks } from '../../src/influence/percentile.ts';

describe('percentileRanks', () => {
  it('ranks within each provider: lowest 0, highest 100, monotonic', () => {
    const rank = percentileRanks([
      { provider: 'klout', score: 10 }, { provider: 'klout', score: 40 }, { provider: 'klout', score: 90 },
      { provider: 'kred', score: 500 }, { provider: 'kred', score: 900 },
    ]);
    expect(rank('klout', 10)).toBe(0);
    expect(rank('klout', 40)).toBe(50);
    expect(rank('klout', 90)).toBe(100);
    // Different scales, same meaning: the top of each provider is 100.
    expect(rank('kred', 900)).toBe(100);
    expect(rank('kred', 500)).toBe(0);
  });

  it('gives ties the mid rank and a lone score the middle', () => {
    const rank = percentileRanks([{ provider: 'p', score: 5 }, { provider: 'p', score: 5 }, { provider: 'p', score: 9 }]);
    expect(rank('p', 5)).toBe(25);
    expect(rank('p', 9)).toBe(100);
    expect(percentileRanks([{ provider: 'solo', score: 3 }])('solo', 3)).toBe(50);
  });
});
