import { describe, expect, it } from 'vitest';
import { conversionProbability, generateMarket, plantedInfluencers, ROLE, SLOT, TRUE_INFLUENCERS, trueInfluence, type Market } from '../../eval/market.ts';
import { meanCi, t975 } from '../../eval/stats.ts';

const SMALL = { people: 3_000, prospects: 300 };

function fingerprint(m: Market): string {
  let h = 0;
  const mix = (x: number) => (h = (Math.imul(h ^ x, 0x01000193) >>> 0));
  for (let e = 0; e < m.edges.count; e++) {
    mix(m.edges.from[e]!);
    mix(m.edges.to[e]!);
    mix(m.edges.kind[e]!);
    mix(m.edges.topics[e]!);
  }
  for (const x of m.truthInfluencer) mix(x);
  for (const p of m.prospects) mix(p.index);
  return `${m.edges.count}:${h}`;
}

/** Planted slots of ordinary people, with the slot kind. */
function slots(m: Market): { p: number; i: number; slot: number; strength: number }[] {
  const out = [];
  for (let p = 0; p < m.people.n; p++) {
    for (let s = 0; s < TRUE_INFLUENCERS; s++) {
      const i = m.truthInfluencer[p * TRUE_INFLUENCERS + s]!;
      if (i >= 0) out.push({ p, i, slot: m.truthSlot[p * TRUE_INFLUENCERS + s]!, strength: m.truthStrength[p * TRUE_INFLUENCERS + s]! });
    }
  }
  return out;
}

describe('synthetic market', () => {
  it('is deterministic per seed and scenario, and differs between seeds', () => {
    const a = fingerprint(generateMarket('micro', 7, SMALL));
    expect(fingerprint(generateMarket('micro', 7, SMALL))).toBe(a);
    expect(fingerprint(generateMarket('micro', 8, SMALL))).not.toBe(a);
    expect(fingerprint(generateMarket('hubs', 7, SMALL))).not.toBe(a);
  });

  it('plants three distinct influencers on the person’s own topic, and never a loud person', () => {
    const m = generateMarket('micro', 3, SMALL);
    for (let p = 0; p < m.people.n; p++) {
      const planted = plantedInfluencers(m, p);
      if (m.truthRole[p] !== ROLE.ordinary) {
        expect(planted).toEqual([]);
        continue;
      }
      expect(planted.length).toBe(TRUE_INFLUENCERS);
      expect(new Set(planted).size).toBe(planted.length);
      expect(planted).not.toContain(p);
    }
    for (const { p, i, slot, strength } of slots(m)) {
      expect(m.truthRole[i]).not.toBe(ROLE.loud);
      expect(m.truthTopic[i]).toBe(m.truthTopic[p]);
      expect(slot === SLOT.hub ? m.truthRole[i] === ROLE.hub : m.truthRole[i] !== ROLE.hub).toBe(true);
      expect(strength).toBeGreaterThanOrEqual(0.1 * 0.6 * 0.3 - 1e-6);
      expect(strength).toBeLessThanOrEqual(0.3 * 1.5 + 1e-6);
    }
  });

  it('mixes close and hub influencers as the scenario says', () => {
    const closeShare = (m: Market) => {
      const all = slots(m);
      return all.filter((s) => s.slot === SLOT.close).length / all.length;
    };
    expect(closeShare(generateMarket('micro', 5, SMALL))).toBeGreaterThan(0.65);
    expect(closeShare(generateMarket('hubs', 5, SMALL))).toBeLessThan(0.3);
  });

  it('leaves some planted influencers without a direct trace, and buddies look as close as planted ones', () => {
    const m = generateMarket('micro', 11, SMALL);
    const engaged = new Set<string>();
    for (let e = 0; e < m.edges.count; e++) engaged.add(`${m.edges.from[e]}:${m.edges.to[e]}`);
    const close = slots(m).filter((s) => s.slot === SLOT.close);
    const silent = close.filter((s) => !engaged.has(`${s.p}:${s.i}`)).length / close.length;
    expect(silent).toBeGreaterThan(0.1);
    expect(silent).toBeLessThan(0.5);
    // Most of whom a person engages are not their planted influencers.
    const out = new Map<number, Set<number>>();
    for (let e = 0; e < m.edges.count; e++) {
      const u = m.edges.from[e]!;
      if (!out.has(u)) out.set(u, new Set());
      out.get(u)!.add(m.edges.to[e]!);
    }
    let contacts = 0;
    let planted = 0;
    for (const p of m.prospects) {
      const mine = out.get(p.index) ?? new Set<number>();
      contacts += mine.size;
      planted += plantedInfluencers(m, p.index).filter((i) => mine.has(i)).length;
    }
    expect(planted / contacts).toBeLessThan(0.3);
  });

  it('gives loud people hub-sized audiences and plenty of engagement but no influence beyond ambient reach', () => {
    const m = generateMarket('hubs', 2, SMALL);
    const inbound = new Int32Array(m.people.n);
    for (let e = 0; e < m.edges.count; e++) inbound[m.edges.to[e]!]!++;
    const loud = [...m.truthRole.keys()].filter((i) => m.truthRole[i] === ROLE.loud);
    expect(loud.length).toBeGreaterThan(0);
    for (const i of loud) {
      expect(m.people.audience[i]).toBeGreaterThan(1_000);
      expect(inbound[i]).toBeGreaterThan(100);
      for (const p of m.prospects) expect(trueInfluence(m, p.index, i)).toBeLessThanOrEqual(m.params.ambient);
    }
  });

  it('converts with 1 − Π(1 − influence) of the chosen influencers', () => {
    const m = generateMarket('micro', 4, SMALL);
    const p = m.prospects[0]!.index;
    const planted = plantedInfluencers(m, p);
    const miss = planted.reduce((acc, i) => acc * (1 - trueInfluence(m, p, i)), 1);
    expect(conversionProbability(m, p, planted)).toBeCloseTo(1 - miss, 9);
    expect(conversionProbability(m, p, [])).toBe(0);
    const stranger = [...m.truthRole.keys()].find((i) => m.truthRole[i] === ROLE.ordinary && m.truthTopic[i] !== m.truthTopic[p])!;
    expect(trueInfluence(m, p, stranger)).toBe(0);
  });

  it('prospects are ordinary people with the stage and declared topics the CRM would hold', () => {
    const m = generateMarket('hubs', 9, SMALL);
    expect(m.prospects.length).toBe(SMALL.prospects);
    for (const p of m.prospects) {
      expect(m.truthRole[p.index]).toBe(ROLE.ordinary);
      expect(p.topics).toBe(m.people.topics[p.index]);
      if (p.stage === 'purchase' || p.stage === 'advocacy') expect(m.people.customer[p.index]).toBeGreaterThan(0);
    }
  });
});

describe('eval intervals', () => {
  it('uses the t quantile and an interval that contains the mean', () => {
    expect(t975(19)).toBeCloseTo(2.093, 3);
    const { mean, ci } = meanCi([1, 2, 3, 4, 5]);
    expect(mean).toBe(3);
    // sd = 1.5811, t(4) = 2.776: half-width 1.963.
    expect(ci[0]).toBeCloseTo(3 - 1.963, 2);
    expect(ci[1]).toBeCloseTo(3 + 1.963, 2);
    expect(meanCi([2, 2, 2]).ci).toEqual([2, 2]);
  });
});
