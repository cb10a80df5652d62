/**
 * From members and what happened to them to the arm counts report.ts reads. Pure.
 *
 * Counting is per randomisation unit, the thing that was randomised: a unit converted when any
 * of its contacts did, and its revenue is the sum of its distinct won deals (a deal on two
 * colleagues counts once). A deal associated with members of several units is split equally
 * among them, so an arm's revenue never counts one deal twice. A unit's stage and influencer are those of its first member (by
 * contact id) — both fixed at start, before any outcome, so groups stay randomised comparisons.
 * Exposure (observational): a treated unit with any exposed member.
 */
import type { EffectCell } from './learning.ts';
import type { ArmCounts } from './lift.ts';
import type { ReportInput, SegmentCounts } from './report.ts';

export interface CountMember {
  contactId: string;
  unitKey: string;
  arm: 'treatment' | 'control';
  stage: string;
  /** Group key of the campaign influencer matched at start; null when none. */
  influencer: string | null;
  /** That influencer's person id, for learning (effectCells). */
  influencerId?: number | null;
}

export interface Happened {
  /** Won deals per contact: deal id → amount. For the stage outcome, a contact that converted maps to an empty map. */
  conversions: ReadonlyMap<string, ReadonlyMap<string, number>>;
  exposed: ReadonlySet<string>;
}

interface Unit {
  arm: 'treatment' | 'control';
  stage: string;
  influencer: string | null;
  influencerId: number | null;
  converted: boolean;
  deals: Map<string, number>;
  exposed: boolean;
}

const empty = (): ArmCounts => ({ units: 0, conversions: 0, revenue: 0, revenueSumSquares: 0 });

function add(a: ArmCounts, u: Unit): void {
  const revenue = [...u.deals.values()].reduce((s, x) => s + x, 0);
  a.units += 1;
  if (u.converted) a.conversions += 1;
  a.revenue = (a.revenue ?? 0) + revenue;
  a.revenueSumSquares = (a.revenueSumSquares ?? 0) + revenue * revenue;
}

export function unitsOf(members: readonly CountMember[], happened: Happened): Unit[] {
  const units = new Map<string, Unit>();
  const sorted = [...members].sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
  for (const m of sorted) {
    let u = units.get(m.unitKey);
    if (!u) units.set(m.unitKey, (u = { arm: m.arm, stage: m.stage, influencer: m.influencer, influencerId: m.influencerId ?? null, converted: false, deals: new Map(), exposed: false }));
    const conv = happened.conversions.get(m.contactId);
    if (conv) {
      u.converted = true;
      for (const [id, amount] of conv) u.deals.set(id, amount);
    }
    if (happened.exposed.has(m.contactId)) u.exposed = true;
  }
  // Each deal's share per unit it touches.
  const touching = new Map<string, number>();
  for (const u of units.values()) for (const id of u.deals.keys()) touching.set(id, (touching.get(id) ?? 0) + 1);
  for (const u of units.values()) for (const [id, amount] of u.deals) u.deals.set(id, amount / touching.get(id)!);
  return [...units.values()];
}

function group(units: Unit[], keyOf: (u: Unit) => string | null): SegmentCounts[] {
  const out = new Map<string, SegmentCounts>();
  for (const u of units) {
    const key = keyOf(u);
    if (key === null) continue;
    let g = out.get(key);
    if (!g) out.set(key, (g = { key, treatment: empty(), control: empty(), exposed: empty() }));
    add(g[u.arm], u);
    if (u.arm === 'treatment' && u.exposed) add(g.exposed!, u);
  }
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** The counts of a campaign at one look: overall, per influencer, per stage. */
export function campaignCounts(members: readonly CountMember[], happened: Happened): Pick<ReportInput, 'overall' | 'influencers' | 'stages'> & { units: number } {
  const units = unitsOf(members, happened);
  const overall = group(units, () => 'campaign')[0] ?? { key: 'campaign', treatment: empty(), control: empty(), exposed: empty() };
  const { key: _key, ...rest } = overall;
  return {
    units: units.length,
    overall: rest,
    influencers: group(units, (u) => u.influencer),
    stages: group(units, (u) => u.stage),
  };
}

/** Counts per (influencer, stage) cell, what learning pools across campaigns (src/outcomes/learning.ts). */
export function effectCells(members: readonly CountMember[], happened: Happened): EffectCell[] {
  const cells = new Map<string, EffectCell>();
  for (const u of unitsOf(members, happened)) {
    if (u.influencerId === null) continue;
    const key = `${u.influencerId}:${u.stage}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { influencerId: u.influencerId, stage: u.stage, treatmentUnits: 0, treatmentConversions: 0, controlUnits: 0, controlConversions: 0 }));
    if (u.arm === 'treatment') {
      c.treatmentUnits += 1;
      if (u.converted) c.treatmentConversions += 1;
    } else {
      c.controlUnits += 1;
      if (u.converted) c.controlConversions += 1;
    }
  }
  return [...cells.values()];
}
