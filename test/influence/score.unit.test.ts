import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INTERACTION_KINDS, type InteractionKind } from '../../src/domain/signals.ts';
import {
  ENGAGEMENT_HALF_LIFE_DAYS,
  INFLUENCE_WEIGHTS,
  KIND_WEIGHTS,
  influenceComponents,
  influenceScore,
  isAdvocate,
  meanSentiment,
  topTopics,
  type PersonAggregate,
} from '../../src/influence/score.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const DAY = 86_400_000;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY);
const inbound = (kind: InteractionKind, ageDays = 0) => ({ kind, occurredAt: daysAgo(ageDays), sentiment: null });
const person = (over: Partial<PersonAggregate> = {}): PersonAggregate => ({
  audienceSize: null,
  providerScores: [],
  inbound: [],
  ...over,
});

const arbInbound = fc.record({
  kind: fc.constantFrom(...INTERACTION_KINDS),
  occurredAt: fc.integer({ min: -2 * DAY, max: 3 * 365 * DAY }).map((ms) => new Date(NOW.getTime() - ms)),
  sentiment: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: null }),
});
const arbPerson: fc.Arbitrary<PersonAggregate> = fc.record({
  audienceSize: fc.option(fc.integer({ min: 0, max: 2_000_000_000 }), { nil: null }),
  providerScores: fc.array(
    fc.record({ score: fc.double({ min: 0, max: 100, noNaN: true }), min: fc.constant(0), max: fc.constant(100) }),
    { maxLength: 3 },
  ),
  inbound: fc.array(arbInbound, { maxLength: 30 }),
});

describe('influenceScore', () => {
  it('weights sum to 1', () => {
    expect(INFLUENCE_WEIGHTS.reach + INFLUENCE_WEIGHTS.engagement + INFLUENCE_WEIGHTS.provider).toBeCloseTo(1, 12);
  });

  it('is 0 with no data and 100 when every component saturates', () => {
    expect(influenceScore(person(), NOW)).toBe(0);
    const loud = person({
      audienceSize: 50_000_000,
      providerScores: [{ score: 100, min: 0, max: 100 }],
      inbound: Array.from({ length: 200 }, () => inbound('review')),
    });
    expect(influenceScore(loud, NOW)).toBe(100);
  });

  it('follows the documented formula', () => {
    // reach = log10(1001)/7, engagement = 1 - exp(-(3 + 2·0.5)/20), provider = 0.8
    const p = person({
      audienceSize: 1000,
      providerScores: [{ score: 800, min: 0, max: 1000 }],
      inbound: [inbound('review'), inbound('reply', ENGAGEMENT_HALF_LIFE_DAYS)],
    });
    const reach = Math.log10(1001) / 7;
    const engagement = 1 - Math.exp(-4 / 20);
    expect(influenceComponents(p, NOW).reach).toBeCloseTo(reach, 12);
    expect(influenceComponents(p, NOW).engagement).toBeCloseTo(engagement, 12);
    expect(influenceComponents(p, NOW).provider).toBeCloseTo(0.8, 12);
    expect(influenceScore(p, NOW)).toBe(Math.round(100 * (0.4 * reach + 0.4 * engagement + 0.2 * 0.8)));
  });

  it('shares the weight of a missing component among the others', () => {
    const p = person({ providerScores: [{ score: 60, min: 0, max: 100 }] });
    // reach missing; engagement 0 (no interactions) weighs 0.4, provider 0.6 weighs 0.2
    expect(influenceScore(p, NOW)).toBe(Math.round((100 * 0.2 * 0.6) / 0.6));
  });

  it('treats knowing of no interactions as zero engagement, so audience alone cannot score 100', () => {
    expect(influenceScore(person({ audienceSize: 100_000_000 }), NOW)).toBe(50);
  });

  it('clamps provider scores to their scale and ignores broken scales', () => {
    const p = person({ providerScores: [{ score: 150, min: 0, max: 100 }, { score: 5, min: 10, max: 10 }] });
    expect(influenceComponents(p, NOW).provider).toBe(1);
  });

  it('weights kinds as documented', () => {
    const scores = Object.fromEntries(
      INTERACTION_KINDS.map((k) => [k, influenceComponents(person({ inbound: [inbound(k)] }), NOW).engagement]),
    );
    expect(scores.review).toBeGreaterThan(scores.reply!);
    expect(scores.reply).toBeGreaterThan(scores.mention!);
    expect(scores.mention).toBeGreaterThan(scores.follow!);
    expect(scores.follow).toBeGreaterThan(scores.like!);
    expect(KIND_WEIGHTS.referral).toBe(KIND_WEIGHTS.review);
  });

  it('halves an interaction’s weight every half-life', () => {
    const fresh = influenceComponents(person({ inbound: [inbound('like', 0)] }), NOW).engagement;
    const old = influenceComponents(person({ inbound: [inbound('like', ENGAGEMENT_HALF_LIFE_DAYS)] }), NOW).engagement;
    expect(-Math.log(1 - old)).toBeCloseTo(-Math.log(1 - fresh) / 2, 12);
  });

  it('does not reward interactions dated in the future', () => {
    const future = { kind: 'review' as const, occurredAt: new Date(NOW.getTime() + 10 * DAY), sentiment: null };
    expect(influenceScore(person({ inbound: [future] }), NOW)).toBe(influenceScore(person({ inbound: [inbound('review')] }), NOW));
  });

  it('is an integer between 0 and 100', () => {
    fc.assert(
      fc.property(arbPerson, (p) => {
        const s = influenceScore(p, NOW);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('never falls when the audience grows', () => {
    fc.assert(
      fc.property(arbPerson, fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 1_000_000_000 }), (p, a, extra) => {
        const smaller = influenceScore({ ...p, audienceSize: a }, NOW);
        const larger = influenceScore({ ...p, audienceSize: a + extra }, NOW);
        expect(larger).toBeGreaterThanOrEqual(smaller);
      }),
    );
    expect(influenceScore(person({ audienceSize: 100_000 }), NOW)).toBeGreaterThan(influenceScore(person({ audienceSize: 100 }), NOW));
  });

  it('never falls when an interaction is added', () => {
    fc.assert(
      fc.property(arbPerson, arbInbound, (p, extra) => {
        expect(influenceScore({ ...p, inbound: [...p.inbound, extra] }, NOW)).toBeGreaterThanOrEqual(influenceScore(p, NOW));
      }),
    );
    const few = person({ inbound: [inbound('reply')] });
    const more = person({ inbound: [inbound('reply'), inbound('reply'), inbound('share')] });
    expect(influenceScore(more, NOW)).toBeGreaterThan(influenceScore(few, NOW));
  });

  it('decays as interactions age', () => {
    fc.assert(
      fc.property(arbPerson, fc.integer({ min: 1, max: 720 }), (p, days) => {
        const later = new Date(NOW.getTime() + days * DAY);
        expect(influenceScore(p, later)).toBeLessThanOrEqual(influenceScore(p, NOW));
      }),
    );
    const p = person({ inbound: Array.from({ length: 10 }, () => inbound('reply')) });
    expect(influenceScore(p, new Date(NOW.getTime() + 180 * DAY))).toBeLessThan(influenceScore(p, NOW));
  });
});

describe('topTopics', () => {
  it('ranks by how many lists mention a topic, merging case and whitespace', () => {
    const lists = [['CRM', 'ai'], [' crm ', 'Marketing'], ['crm', 'AI'], ['sales', 'crm', 'CRM']];
    expect(topTopics(lists)).toEqual(['crm', 'ai', 'Marketing']);
  });

  it('breaks ties alphabetically and honours k', () => {
    expect(topTopics([['zeta', 'alpha', 'mu']], 2)).toEqual(['alpha', 'mu']);
    expect(topTopics([['a']], 0)).toEqual([]);
    expect(topTopics([])).toEqual([]);
    expect(topTopics([['', '  ']])).toEqual([]);
  });

  it('counts a topic once per list', () => {
    expect(topTopics([['b', 'b', 'b'], ['a'], ['a']], 1)).toEqual(['a']);
  });
});

describe('meanSentiment', () => {
  it('averages the known values', () => {
    expect(meanSentiment([0.5, null, -0.1])).toBeCloseTo(0.2, 12);
  });
  it('is null when nothing is known', () => {
    expect(meanSentiment([])).toBeNull();
    expect(meanSentiment([null, Number.NaN])).toBeNull();
  });
});

describe('isAdvocate', () => {
  it('needs at least 3 authored interactions with mean sentiment ≥ 0.3', () => {
    expect(isAdvocate(3, 0.3)).toBe(true);
    expect(isAdvocate(10, 0.9)).toBe(true);
    expect(isAdvocate(2, 0.9)).toBe(false);
    expect(isAdvocate(3, 0.29)).toBe(false);
    expect(isAdvocate(50, null)).toBe(false);
  });
});
