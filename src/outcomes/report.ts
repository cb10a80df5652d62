/**
 * One pure function from a campaign's arm counts to its report: per campaign, per influencer and
 * per stage. The counts come from the measure job (later); everything here is arithmetic on them.
 *
 * Reading rules built in:
 * - Intent-to-treat by assignment is the primary analysis: arms are who was ASSIGNED, whether or
 *   not the influencer reached them. Exposed-only figures (treated units the influencer actually
 *   interacted with, against the whole control arm) are labelled observational and never called
 *   lift: who gets reached is not random.
 * - A sample-ratio mismatch (srm.ts) holds the results: the counts are shown, no lift is.
 * - Per influencer and per stage, units are grouped by the influencer (stage) they were assigned
 *   to BEFORE randomisation, so each group is itself a randomised comparison.
 * - Before the readout the verdict comes from the always-valid confidence sequence (Bonferroni
 *   alpha/m across a family of m influencers or stages); at and after it from the fixed-horizon
 *   test, with Benjamini–Hochberg across influencers (and across stages).
 * - An interval that spans zero reads "inconclusive — about N more prospects needed".
 */
import { bhDiscoveries, benjaminiHochberg } from './fdr.ts';
import { twoProportionZTest, type FixedHorizonTest } from './fixed-horizon.ts';
import { absoluteLift, checkArm, incremental, relativeLift, revenuePerProspect, type ArmCounts, type ArmPair, type Estimate, type Incremental, type RevenuePerProspect } from './lift.ts';
import { powerStatus, type PowerStatus } from './power.ts';
import { confidenceSequence, type ConfidenceSequence } from './sequential.ts';
import { fitBetaPrior, shrinkRates, type BetaPrior } from './shrinkage.ts';
import { sampleRatioCheck, type SrmCheck } from './srm.ts';

/** What was fixed when the campaign started (pre-registered). */
export interface CampaignDesign {
  id: string;
  /** Share of units held out as control, strictly between 0 and 1. */
  holdoutShare: number;
  /** Significance level of the readout test and the confidence sequence. */
  alpha: number;
  /** ISO date-time of the planned readout. */
  readoutAt: string;
  /** Units expected by the readout: where the confidence sequence is tightest. */
  plannedUnits: number;
  /** Campaign cost in the revenue's currency, for ROI. */
  cost?: number;
}

export interface SegmentCounts extends ArmPair {
  key: string;
  /** Treated units the influencer(s) actually interacted with in the window: observational only. */
  exposed?: ArmCounts;
}

export interface ReportInput {
  design: CampaignDesign;
  /** ISO date-time of this look. */
  asOf: string;
  overall: Omit<SegmentCounts, 'key'>;
  influencers?: SegmentCounts[];
  stages?: SegmentCounts[];
}

export type Verdict = 'positive' | 'negative' | 'inconclusive' | 'held';

export interface ArmSummary {
  units: number;
  conversions: number;
  rate: number;
  revenue: number;
}

export interface Analysis {
  absoluteLift: Estimate & { method: 'newcombe-hybrid-score' };
  relativeLift: (Estimate & { method: 'delta' }) | null;
  revenuePerProspect: RevenuePerProspect;
  incremental: Incremental;
  /** The readout test; `final` only at or after the planned readout. */
  fixedHorizon: FixedHorizonTest & { final: boolean; qValue?: number };
  sequential: ConfidenceSequence & { alpha: number };
  power: PowerStatus;
}

export interface SegmentResult {
  key: string;
  treatment: ArmSummary;
  control: ArmSummary;
  srm: SrmCheck;
  verdict: Verdict;
  /** One line a marketer can read. */
  label: string;
  /** Null when held by the sample-ratio check. */
  analysis: Analysis | null;
  observational: { label: string; exposedUnits: number; exposedRate: number; controlRate: number; difference: number } | null;
}

export interface RankedGroup {
  key: string;
  shrunkTreatmentRate: number;
  shrunkControlRate: number;
  /** Shrunk treatment rate − shrunk control rate: what ranking uses. */
  shrunkLift: number;
  rawLift: number;
  rank: number;
}

export interface CampaignReport {
  campaignId: string;
  asOf: string;
  primaryAnalysis: 'intent-to-treat';
  afterReadout: boolean;
  held: boolean;
  overall: SegmentResult;
  influencers: SegmentResult[];
  stages: SegmentResult[];
  /** Empirical-Bayes ranking (shrinkage.ts); null when held. */
  learning: { influencers: RankedGroup[]; stages: RankedGroup[]; priors: { influencers: { treatment: BetaPrior; control: BetaPrior } | null; stages: { treatment: BetaPrior; control: BetaPrior } | null } } | null;
}

const OBSERVATIONAL = 'observational — exposed-only, not randomised; not lift';

function summary(a: ArmCounts): ArmSummary {
  return { units: a.units, conversions: a.conversions, rate: a.units > 0 ? a.conversions / a.units : Number.NaN, revenue: a.revenue ?? 0 };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}`;

function analyse(seg: Omit<SegmentCounts, 'key'>, design: CampaignDesign, afterReadout: boolean, csAlpha: number): Analysis {
  const { treatment: t, control: c } = seg;
  const alpha = design.alpha;
  const abs = absoluteLift(t, c, alpha);
  const rel = relativeLift(t, c, alpha);
  const rpp = revenuePerProspect(t, c, alpha);
  const pooled = (t.conversions + c.conversions) / (t.units + c.units);
  return {
    absoluteLift: { ...abs, method: 'newcombe-hybrid-score' },
    relativeLift: rel && { ...rel, method: 'delta' },
    revenuePerProspect: rpp,
    incremental: incremental(t, abs, rpp, design.cost),
    fixedHorizon: { ...twoProportionZTest(t, c, alpha), final: afterReadout },
    sequential: { ...confidenceSequence(t, c, design.plannedUnits, csAlpha), alpha: csAlpha },
    power: powerStatus(t.units, c.units, pooled, abs.estimate, abs.ci, alpha),
  };
}

/**
 * The verdict and its line. After the readout the line shows the fixed-horizon interval; before
 * it, the confidence sequence — the only interval that stays valid when looked at daily — at its
 * own level (alpha/m across a family).
 */
function decide(a: Analysis, significant: boolean, alpha: number): { verdict: Verdict; label: string } {
  const lift = a.absoluteLift;
  const final = a.fixedHorizon.final;
  const [lo, hi] = final ? lift.ci : a.sequential.ci;
  const percent = (x: number) => `${Number((100 * (1 - x)).toFixed(2))}%`;
  const level = final ? percent(alpha) : `always-valid ${percent(a.sequential.alpha)}`;
  if (significant && lo > 0) return { verdict: 'positive', label: `lift +${pct(lift.estimate)} points (${level} interval +${pct(lo)} to +${pct(hi)})` };
  if (significant && hi < 0) return { verdict: 'negative', label: `lift ${pct(lift.estimate)} points (${level} interval ${pct(lo)} to ${pct(hi)})` };
  return { verdict: 'inconclusive', label: a.power.label ?? `inconclusive — not significant${final ? ' at the readout' : ' yet'}` };
}

function segment(key: string, seg: Omit<SegmentCounts, 'key'>, design: CampaignDesign, afterReadout: boolean, csAlpha: number, heldAbove: boolean): SegmentResult {
  checkArm(seg.treatment, `${key}.treatment`);
  checkArm(seg.control, `${key}.control`);
  const srm = sampleRatioCheck([seg.treatment.units, seg.control.units], [1 - design.holdoutShare, design.holdoutShare]);
  const base = { key, treatment: summary(seg.treatment), control: summary(seg.control), srm };
  if (heldAbove || srm.mismatch) {
    const why = heldAbove ? 'held — the campaign failed its sample-ratio check' : `held — sample-ratio mismatch (p = ${srm.pValue.toExponential(1)}): assignment or tracking is off`;
    return { ...base, verdict: 'held', label: why, analysis: null, observational: null };
  }
  if (seg.treatment.units === 0 || seg.control.units === 0) {
    return { ...base, verdict: 'inconclusive', label: 'inconclusive — an arm is empty', analysis: null, observational: null };
  }
  const analysis = analyse(seg, design, afterReadout, csAlpha);
  const significant = afterReadout ? analysis.fixedHorizon.significant : analysis.sequential.rejectsZero;
  const observational = seg.exposed && seg.exposed.units > 0
    ? { label: OBSERVATIONAL, exposedUnits: seg.exposed.units, exposedRate: seg.exposed.conversions / seg.exposed.units, controlRate: seg.control.conversions / seg.control.units, difference: seg.exposed.conversions / seg.exposed.units - seg.control.conversions / seg.control.units }
    : null;
  return { ...base, ...decide(analysis, significant, design.alpha), analysis, observational };
}

/** A family of segments (influencers or stages), with multiplicity control across them. */
function family(groups: SegmentCounts[], design: CampaignDesign, afterReadout: boolean, held: boolean): SegmentResult[] {
  const m = Math.max(1, groups.length);
  const results = groups.map((g) => segment(g.key, g, design, afterReadout, design.alpha / m, held));
  if (!afterReadout) return results;
  const tested = results.filter((r) => r.analysis !== null);
  const q = benjaminiHochberg(tested.map((r) => r.analysis!.fixedHorizon.pValue));
  const found = bhDiscoveries(tested.map((r) => r.analysis!.fixedHorizon.pValue), design.alpha);
  tested.forEach((r, i) => {
    r.analysis!.fixedHorizon.qValue = q[i]!;
    Object.assign(r, decide(r.analysis!, found[i]!, design.alpha));
  });
  return results;
}

function rank(groups: SegmentCounts[]): { ranked: RankedGroup[]; priors: { treatment: BetaPrior; control: BetaPrior } | null } {
  if (groups.length === 0) return { ranked: [], priors: null };
  const tGroups = groups.map((g) => ({ key: g.key, units: g.treatment.units, conversions: g.treatment.conversions }));
  const cGroups = groups.map((g) => ({ key: g.key, units: g.control.units, conversions: g.control.conversions }));
  const priors = { treatment: fitBetaPrior(tGroups), control: fitBetaPrior(cGroups) };
  const st = shrinkRates(tGroups, priors.treatment);
  const sc = shrinkRates(cGroups, priors.control);
  const ranked = groups.map((g, i) => ({
    key: g.key,
    shrunkTreatmentRate: st[i]!.shrunk,
    shrunkControlRate: sc[i]!.shrunk,
    shrunkLift: st[i]!.shrunk - sc[i]!.shrunk,
    rawLift: st[i]!.raw - sc[i]!.raw,
    rank: 0,
  }));
  [...ranked].sort((a, b) => b.shrunkLift - a.shrunkLift || (a.key < b.key ? -1 : 1)).forEach((r, i) => (r.rank = i + 1));
  return { ranked, priors };
}

/** The campaign report at one look. Pure: same input, same report. */
export function buildCampaignReport(input: ReportInput): CampaignReport {
  const { design } = input;
  if (!(design.alpha > 0 && design.alpha < 1)) throw new RangeError('alpha must be strictly between 0 and 1');
  if (!(design.holdoutShare > 0 && design.holdoutShare < 1)) throw new RangeError('holdoutShare must be strictly between 0 and 1');
  if (!(design.plannedUnits > 0)) throw new RangeError('plannedUnits must be positive');
  const asOf = Date.parse(input.asOf);
  const readout = Date.parse(design.readoutAt);
  if (Number.isNaN(asOf) || Number.isNaN(readout)) throw new RangeError('asOf and readoutAt must be ISO date-times');
  const afterReadout = asOf >= readout;
  const overall = segment('campaign', input.overall, design, afterReadout, design.alpha, false);
  const held = overall.verdict === 'held';
  const influencers = family(input.influencers ?? [], design, afterReadout, held);
  const stages = family(input.stages ?? [], design, afterReadout, held);
  let learning: CampaignReport['learning'] = null;
  if (!held) {
    const inf = rank(input.influencers ?? []);
    const st = rank(input.stages ?? []);
    learning = { influencers: inf.ranked, stages: st.ranked, priors: { influencers: inf.priors, stages: st.priors } };
  }
  return { campaignId: design.id, asOf: input.asOf, primaryAnalysis: 'intent-to-treat', afterReadout, held, overall, influencers, stages, learning };
}
