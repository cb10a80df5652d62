import { describe, expect, it } from 'vitest';
import { campaignCounts, type CountMember } from '../../src/outcomes/campaign-counts.ts';

const m = (contactId: string, unitKey: string, arm: 'treatment' | 'control', stage = 'decision', influencer: string | null = 'inf-a'): CountMember => ({ contactId, unitKey, arm, stage, influencer });

describe('campaignCounts', () => {
  it('counts randomisation units: colleagues in one account are one unit, converted when any of them is', () => {
    const members = [m('c1', 'account:A', 'treatment'), m('c2', 'account:A', 'treatment'), m('c3', 'contact:c3', 'treatment'), m('c4', 'contact:c4', 'control')];
    const conversions = new Map([['c2', new Map([['d1', 100]])], ['c1', new Map([['d2', 50]])]]);
    const c = campaignCounts(members, { conversions, exposed: new Set(['c3']) });
    expect(c.units).toBe(3);
    expect(c.overall.treatment).toEqual({ units: 2, conversions: 1, revenue: 150, revenueSumSquares: 150 * 150 });
    expect(c.overall.control).toEqual({ units: 1, conversions: 0, revenue: 0, revenueSumSquares: 0 });
    expect(c.overall.exposed).toMatchObject({ units: 1, conversions: 0 });
  });

  it('splits a deal shared by several units, so an arm never counts it twice', () => {
    const members = [m('c1', 'contact:c1', 'treatment'), m('c2', 'contact:c2', 'treatment'), m('c3', 'contact:c3', 'control')];
    const deal = new Map([['d1', 90]]);
    const c = campaignCounts(members, { conversions: new Map([['c1', deal], ['c2', deal], ['c3', deal]]), exposed: new Set() });
    expect(c.overall.treatment.revenue).toBeCloseTo(60, 12);
    expect(c.overall.control.revenue).toBeCloseTo(30, 12);
    expect(c.overall.treatment.conversions).toBe(2);
  });

  it('groups by the stage and influencer fixed at start; members with no influencer stay out of that family', () => {
    const members = [m('c1', 'contact:c1', 'treatment', 'awareness', 'inf-a'), m('c2', 'contact:c2', 'control', 'decision', null), m('c3', 'contact:c3', 'control', 'awareness', 'inf-b')];
    const c = campaignCounts(members, { conversions: new Map(), exposed: new Set() });
    expect(c.stages!.map((s) => [s.key, s.treatment.units, s.control.units])).toEqual([['awareness', 1, 1], ['decision', 0, 1]]);
    expect(c.influencers!.map((s) => s.key)).toEqual(['inf-a', 'inf-b']);
  });
});
