/**
 * Stage-aware matching for one prospect: gather candidate influencers, value each signal 0..1,
 * weigh them by the prospect's stage (weights.ts), keep the top k with every component and the
 * evidence a reason is written from (reason.ts). Pure; scratch arrays are reused across
 * prospects so a full run allocates nothing per prospect but its result.
 *
 * Candidates: people the prospect engaged with or who engaged the prospect (direct), people
 * their closest contacts engage with (two-hop), the leading authorities on the prospect's
 * topics, and the strongest advocates in the prospect's industry.
 *
 * Signals for influencer i and prospect p:
 *   tie        (1 − exp(−T / 3)) · fit, T = Σ decayed kind weights of p engaging with i, plus 0.6 ×
 *              those of i engaging p directly (outreach shows contact, engagement shows attention).
 *   twoHop     (1 − exp(−Σ_j tie(p, j) · w(j → i) / 3)) · fit over p's TWO_HOP_VIA closest contacts j.
 *   authority  Σ_t share_p(t) · level_t(i) / 255 over p's top topics (signals.ts: topic-sensitive
 *              PageRank or conversation evidence, whichever is stronger).
 *   advocacy   signals.ts advocacyValue · fit.
 *   fit        what i says on p's topics (issue 11: a close contact who never talks about the
 *              topic moves nobody on it): RELEVANCE_FLOOR + (1 − RELEVANCE_FLOOR) · relevance,
 *              relevance = Σ_t share_p(t) · (1 − exp(−E_t(i) / RELEVANCE_SCALE)), E_t = i's
 *              decayed positive conversations on t. 1 for people who said nothing at all
 *              (unknown is not off-topic).
 * p's topics: their interactions' topics, declared topics, and their own conversations (each
 * conversation weighs CONVERSATION_WEIGHT, a review's kind weight).
 *   similarity share of industry, region and company size that i and p have in common.
 *   reach      log audience, as in the influence score.
 *   effectiveness  effectiveness.ts (0.5 until outcomes exist).
 */
import type { CanonicalStage } from '../domain/stages.ts';
import type { InteractionGraph } from '../influence/graph.ts';
import { effectiveness as effectivenessValue, type Outcome } from './effectiveness.ts';
import { levelMass, type GlobalSignals } from './signals.ts';
import { COMPONENTS, type ComponentValues, type StageWeights } from './weights.ts';

export const TIE_SCALE = 3;
export const OUTREACH_FACTOR = 0.6;
export const TWO_HOP_VIA = 8;
export const PROSPECT_TOPICS = 3;
export const DEFAULT_TOP_K = 3;
/** The tie, two-hop and advocacy share kept by someone who says nothing on the prospect's topics. */
export const RELEVANCE_FLOOR = 0.3;
/** Positive conversations on a topic at which relevance reaches 1 − 1/e. */
export const RELEVANCE_SCALE = 3;
/** A conversation's weight in the prospect's topic mix: a review's interaction weight (influence/score.ts KIND_WEIGHTS). */
export const CONVERSATION_WEIGHT = 3;

export interface Prospect {
  /** Dense index of the prospect's person. */
  index: number;
  stage: CanonicalStage;
  /** Attribute codes in the signals' dictionaries (-1 unknown, -2 a value no influencer has). */
  industry: number;
  region: number;
  companySize: number;
  /** Declared topics (mask). */
  topics: number;
}

export interface Match {
  influencer: number;
  score: number;
  /** Each component's 0..1 value. */
  values: ComponentValues;
  /** Each component's contribution to the score (weight × value). */
  contributions: ComponentValues;
  /** The prospect's topics behind the authority value (bits), strongest first. */
  topics: number[];
  /** How many of the prospect's closest contacts engage with the influencer. */
  bridges: number;
  /** What the influencer says on the prospect's topics, 0..1 (NaN: said nothing at all). */
  relevance: number;
}

export interface MatchOptions {
  weights: StageWeights;
  topK?: number;
  /** Measured outcomes per `${influencer}:${stage}` (dense index); none until campaigns exist. */
  outcomes?: ReadonlyMap<string, Outcome>;
}

/** Reusable per-run buffers sized to the graph. */
export class Scratch {
  readonly tie: Float64Array;
  readonly twoHop: Float64Array;
  readonly seen: Uint8Array;
  /** Two-hop: how many of the prospect's closest contacts engage with i, and the last one counted. */
  readonly bridges: Uint16Array;
  readonly lastVia: Int32Array;
  readonly touched: Int32Array;
  touchedCount = 0;
  readonly topicWeight = new Float64Array(32);
  constructor(n: number, maxCandidates = 1 << 16) {
    this.tie = new Float64Array(n);
    this.twoHop = new Float64Array(n);
    this.seen = new Uint8Array(n);
    this.bridges = new Uint16Array(n);
    this.lastVia = new Int32Array(n).fill(-1);
    this.touched = new Int32Array(maxCandidates);
  }
  /**
   * Adds i to this prospect's candidates; false when the candidate list is full and i is not on
   * it — callers then must not accumulate into i's slots, which reset() would not clear.
   */
  touch(i: number): boolean {
    if (this.seen[i] !== 0) return true;
    if (this.touchedCount === this.touched.length) return false;
    this.seen[i] = 1;
    this.touched[this.touchedCount++] = i;
    return true;
  }
  reset(): void {
    for (let k = 0; k < this.touchedCount; k++) {
      const i = this.touched[k]!;
      this.seen[i] = 0;
      this.tie[i] = 0;
      this.twoHop[i] = 0;
      this.bridges[i] = 0;
      this.lastVia[i] = -1;
    }
    this.touchedCount = 0;
    this.topicWeight.fill(0);
  }
}

const saturate = (x: number) => 1 - Math.exp(-x / TIE_SCALE);

/** The prospect's top topics with their shares (sum 1), from their interactions and declared topics. */
export function prospectTopics(p: Prospect, graph: InteractionGraph, scratch: Scratch, g?: GlobalSignals): { bit: number; share: number }[] {
  const tw = scratch.topicWeight;
  const add = (mask: number, w: number) => {
    for (let m = mask; m !== 0; m &= m - 1) tw[31 - Math.clz32(m & -m)]! += w;
  };
  for (const side of [graph.out, graph.in]) {
    for (let e = side.offsets[p.index]!, end = side.offsets[p.index + 1]!; e < end; e++) add(side.topics[e]!, side.weight[e]!);
  }
  add(p.topics, 1);
  if (g) for (let t = 0; t < g.spoke.length; t++) if (g.spoke[t]![p.index]! > 0) tw[t]! += CONVERSATION_WEIGHT * levelMass(g.spoke[t]![p.index]!);
  const ranked = [...tw.keys()].filter((t) => tw[t]! > 0).sort((a, b) => tw[b]! - tw[a]! || a - b).slice(0, PROSPECT_TOPICS);
  const total = ranked.reduce((s, t) => s + tw[t]!, 0);
  return ranked.map((bit) => ({ bit, share: tw[bit]! / total }));
}

export function matchProspect(p: Prospect, graph: InteractionGraph, g: GlobalSignals, scratch: Scratch, options: MatchOptions): Match[] {
  const k = options.topK ?? DEFAULT_TOP_K;
  const weights = options.weights[p.stage];
  const topics = prospectTopics(p, graph, scratch, g);
  const { tie, twoHop } = scratch;

  addDirectTies(p.index, graph, scratch);
  // Two-hop through p's closest contacts j: whom j engages with.
  const direct = scratch.touchedCount;
  const via = closest(scratch, direct, TWO_HOP_VIA);
  for (const j of via) {
    const tj = saturate(tie[j]!);
    for (let e = graph.out.offsets[j]!, end = graph.out.offsets[j + 1]!; e < end; e++) {
      const i = graph.out.nbr[e]!;
      if (!scratch.touch(i)) continue;
      twoHop[i]! += tj * graph.out.weight[e]!;
      if (scratch.lastVia[i] !== j) {
        scratch.lastVia[i] = j;
        scratch.bridges[i]!++;
      }
    }
  }
  for (const { bit } of topics) for (const i of g.topicLeaders[bit] ?? []) scratch.touch(i);
  for (const i of g.advocateLeaders.get(p.industry >= 0 ? p.industry : -1) ?? g.advocateLeaders.get(-1) ?? []) scratch.touch(i);

  // Score every candidate without allocating (a full run scores ~10^8 candidates); only one
  // that enters the top k gets its component objects.
  const best: Match[] = [];
  const w = weights;
  const eff = options.outcomes ? -1 : 0.5;
  for (let c = 0; c < scratch.touchedCount; c++) {
    const i = scratch.touched[c]!;
    if (i === p.index) continue;
    let authority = 0;
    for (let t = 0; t < topics.length; t++) authority += (topics[t]!.share * g.authority[topics[t]!.bit]![i]!) / 255;
    let same = 0;
    if (p.industry >= 0 && g.industry[i] === p.industry) same++;
    if (p.region >= 0 && g.region[i] === p.region) same++;
    if (p.companySize >= 0 && g.companySize[i] === p.companySize) same++;
    const effectiveness = eff >= 0 ? eff : effectivenessValue(options.outcomes!.get(`${i}:${p.stage}`));
    let relevance = Number.NaN;
    let fit = 1;
    if (g.said[i] !== 0) {
      relevance = 0;
      for (let t = 0; t < topics.length; t++) relevance += topics[t]!.share * (1 - Math.exp(-levelMass(g.endorsed[topics[t]!.bit]![i]!) / RELEVANCE_SCALE));
      fit = RELEVANCE_FLOOR + (1 - RELEVANCE_FLOOR) * relevance;
    }
    const tieV = saturate(tie[i]!) * fit;
    const twoHopV = saturate(twoHop[i]!) * fit;
    const advocacy = g.advocacy[i]! * fit;
    const score =
      w.tie * tieV + w.twoHop * twoHopV + w.authority * authority + w.advocacy * advocacy + w.similarity * (same / 3) + w.reach * g.reach[i]! + w.effectiveness * effectiveness;
    if (best.length === k && (score < best[k - 1]!.score || (score === best[k - 1]!.score && i > best[k - 1]!.influencer))) continue;
    const values: ComponentValues = { tie: tieV, twoHop: twoHopV, authority, advocacy, similarity: same / 3, reach: g.reach[i]!, effectiveness };
    const contributions = {} as ComponentValues;
    for (const comp of COMPONENTS) contributions[comp] = w[comp] * values[comp];
    const m: Match = { influencer: i, score, values, contributions, topics: topics.map((t) => t.bit), bridges: scratch.bridges[i]!, relevance };
    let at = best.length;
    best.push(m);
    while (at > 0 && (best[at - 1]!.score < score || (best[at - 1]!.score === score && best[at - 1]!.influencer > i))) {
      best[at] = best[at - 1]!;
      at--;
    }
    best[at] = m;
    if (best.length > k) best.pop();
  }
  scratch.reset();
  return best;
}

/** The `count` touched people with the largest tie mass among the first `direct` touched. */
function closest(scratch: Scratch, direct: number, count: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < direct; c++) {
    const j = scratch.touched[c]!;
    const t = scratch.tie[j]!;
    if (out.length === count && t <= scratch.tie[out[count - 1]!]!) continue;
    let at = out.length === count ? count - 1 : out.length;
    while (at > 0 && scratch.tie[out[at - 1]!]! < t) {
      if (at < count) out[at] = out[at - 1]!;
      at--;
    }
    out[at] = j;
  }
  return out;
}

/** Direct ties of prospect p into the scratch: p engaging i (out), i reaching out to p (in). */
function addDirectTies(p: number, graph: InteractionGraph, scratch: Scratch): void {
  const { tie } = scratch;
  for (let e = graph.out.offsets[p]!, end = graph.out.offsets[p + 1]!; e < end; e++) {
    const i = graph.out.nbr[e]!;
    if (scratch.touch(i)) tie[i]! += graph.out.weight[e]!;
  }
  for (let e = graph.in.offsets[p]!, end = graph.in.offsets[p + 1]!; e < end; e++) {
    const i = graph.in.nbr[e]!;
    if (scratch.touch(i)) tie[i]! += OUTREACH_FACTOR * graph.in.weight[e]!;
  }
}

/**
 * The contacts whose own engagement matchProspect follows for two-hop ties. A run that loads
 * only part of the graph (incremental, partitions) loads these people's out-edges too, so it
 * scores exactly as a run over the whole graph.
 */
export function closestContacts(p: number, graph: InteractionGraph, scratch: Scratch): number[] {
  addDirectTies(p, graph, scratch);
  const via = closest(scratch, scratch.touchedCount, TWO_HOP_VIA).filter((j) => j !== p);
  scratch.reset();
  return via;
}
