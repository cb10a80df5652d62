/**
 * The per-influencer half of matching — signals that do not depend on the prospect: topical
 * authority (PageRank levels), reach, advocacy, situational attributes, and the short lists of
 * candidates every prospect considers (topic leaders, advocates per industry). Computed once per
 * full run and kept in the match snapshot for incremental runs. Pure.
 */
import type { InteractionGraph } from '../influence/graph.ts';
import { REACH_SATURATION_LOG10 } from '../influence/score.ts';
import type { ConversationEvidence } from './evidence.ts';

/** Attribute values as small codes; -1 = unknown. */
export class Codes {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(names: readonly string[] = []) {
    for (const n of names) this.code(n);
  }
  /** The code of a value, adding it when new. Values compare case- and space-insensitively. */
  code(value: string | null | undefined): number {
    const key = normaliseAttribute(value);
    if (key === null) return -1;
    let c = this.index.get(key);
    if (c === undefined) {
      c = this.names.length;
      this.names.push(key);
      this.index.set(key, c);
    }
    return c;
  }
  /** The code when known, else -2 (a value that equals no influencer's). */
  lookup(value: string | null | undefined): number {
    const key = normaliseAttribute(value);
    return key === null ? -1 : (this.index.get(key) ?? -2);
  }
}

export function normaliseAttribute(value: string | null | undefined): string | null {
  const v = value?.trim().toLowerCase().replace(/\s+/g, ' ');
  return v ? v : null;
}

/** What the loader reads about people, in dense index order. */
export interface PeopleColumns {
  n: number;
  /** people.id per dense index, ascending. */
  ids: Float64Array;
  /** Audience size; NaN when unknown. */
  audience: Float64Array;
  industry: Int32Array;
  region: Int32Array;
  companySize: Int32Array;
  /** Topics people declared (bit masks of the topic dictionary). */
  topics: Uint32Array;
  /** 0 none, 1 customer (bought: CRM stage purchase or a closed-won deal), 2 evangelist (CRM stage advocacy). */
  customer: Uint8Array;
  /** Mean sentiment of what they said (score job); NaN when unknown. */
  sentiment: Float32Array;
  /** Talked about the brand positively and often (score job's advocate flag). */
  advocateFlag: Uint8Array;
}

export interface GlobalSignals {
  n: number;
  ids: Float64Array;
  topics: string[];
  /**
   * Per topic: authority level 0..255 per person — the larger of the topic-sensitive PageRank
   * level (who engages with them about the topic) and the conversation evidence level (how much
   * they endorse on the topic, scaled by how well received they are).
   */
  authority: Uint8Array[];
  /** Per topic: massLevel() of all their conversations on it (what they talk about). */
  spoke: Uint8Array[];
  /** Per topic: massLevel() of their positive conversations on it (what they endorse). */
  endorsed: Uint8Array[];
  /** 1 when they said anything at all (any conversation): without it topical relevance is unknown, not zero. */
  said: Uint8Array;
  /** Topic bits on which their PageRank level is above 0 (others engage with them about it): reasons say "a leading voice" only there. */
  pageRankTopics: Uint32Array;
  /** CRM standing, as PeopleColumns.customer; and brand sentiment (NaN unknown): reasons quote them. */
  customer: Uint8Array;
  sentiment: Float32Array;
  reach: Float32Array;
  advocacy: Float32Array;
  industry: Int32Array;
  region: Int32Array;
  companySize: Int32Array;
  codes: { industry: Codes; region: Codes; companySize: Codes };
  /** Per topic: the strongest authorities (dense indices), best first. */
  topicLeaders: Int32Array[];
  /** Industry code (-1: all industries) → the strongest advocates, best first. */
  advocateLeaders: Map<number, Int32Array>;
}

export const LEADERS_PER_TOPIC = 25;
/** Decayed conversation mass at which massLevel() reaches 255. */
export const MASS_LEVEL_MAX = 1000;
/**
 * Authority from conversations: endorsement level × (RECEPTION_FLOOR + (1 − RECEPTION_FLOOR) ×
 * reception_t), reception_t = log(1 + weight of interactions about t they received), relative
 * to the topic's largest: how what they say on t is taken up. An endorser nobody engages with
 * on t still counts, at RECEPTION_FLOOR of the best received; where nobody received anything
 * labelled t, reception is unknown and endorsement alone decides. Plain follower counts are not
 * reception (on the Epinions kit they cost 0.056 HR@10: README "Matching evaluation").
 */
export const RECEPTION_FLOOR = 0.5;
export const ADVOCATE_LEADERS = 25;

/** Reach as in the influence score: log10(1 + audience) / 7, capped at 1; 0 when unknown. */
export function reachValue(audience: number): number {
  return Number.isFinite(audience) && audience > 0 ? Math.min(1, Math.log10(1 + audience) / REACH_SATURATION_LOG10) : 0;
}

/** Conversation mass as a byte: log(1 + mass) / log(1 + MASS_LEVEL_MAX), so 1 review ≈ 25, 10 ≈ 88, 100 ≈ 170. */
export function massLevel(mass: number): number {
  return mass > 0 ? Math.min(255, Math.round((255 * Math.log1p(mass)) / Math.log1p(MASS_LEVEL_MAX))) : 0;
}
/** The mass a level stands for (inverse of massLevel, to the byte's precision). */
export function levelMass(level: number): number {
  return level > 0 ? Math.expm1((level / 255) * Math.log1p(MASS_LEVEL_MAX)) : 0;
}

/** Positive conversations at which advocacy evidence reaches 1 − 1/e. */
export const ADVOCACY_EVIDENCE_SCALE = 3;

/**
 * Advocacy 0..1: evangelists 1 and customers 0.7, scaled by brand sentiment (0.5 + 0.5·s when
 * known, 0 when negative — an unhappy customer is no advocate); people who are not customers but
 * talk about the brand positively and often get 0.3. When conversations are known
 * (`positiveCount` ≥ 0), the value is graded by how much positive evidence there is:
 * × (0.5 + 0.5·(1 − exp(−positive / 3))), so a customer with ten glowing reviews outranks one
 * with one (issue 11: every customer used to score the same). `positiveCount` −1: no
 * conversations are known for anyone (not graded).
 */
export function advocacyValue(customer: number, sentiment: number, advocateFlag: number, positiveCount = -1): number {
  const base = customer === 2 ? 1 : customer === 1 ? 0.7 : advocateFlag ? 0.3 : 0;
  if (base === 0) return 0;
  const graded = positiveCount < 0 ? 1 : 0.5 + 0.5 * (1 - Math.exp(-positiveCount / ADVOCACY_EVIDENCE_SCALE));
  if (!Number.isFinite(sentiment)) return base * 0.5 * graded;
  return sentiment <= 0 ? 0 : base * (0.5 + 0.5 * Math.min(1, sentiment)) * graded;
}

/** What buildGlobalSignals reads besides people and PageRank levels. */
export interface SignalInputs {
  /** Conversations per person and topic bit; none when left out. */
  evidence?: ConversationEvidence;
  /** The interaction graph: inbound weight is the reception of what someone says, and follower counts stand in for an unknown audience. */
  graph?: InteractionGraph;
}

export function buildGlobalSignals(people: PeopleColumns, topics: string[], pageRankLevels: Uint8Array[], codes: GlobalSignals['codes'], inputs: SignalInputs = {}): GlobalSignals {
  const { n } = people;
  const { evidence: ev, graph } = inputs;
  const reach = new Float32Array(n);
  const advocacy = new Float32Array(n);
  const anyConversations = !!ev && ev.total.count.some((c) => c > 0);
  for (let i = 0; i < n; i++) {
    // Followers seen in the graph are a lower bound of an unknown audience.
    const followers = graph ? graph.in.offsets[i + 1]! - graph.in.offsets[i]! : 0;
    reach[i] = reachValue(Number.isFinite(people.audience[i]!) ? people.audience[i]! : followers);
    advocacy[i] = advocacyValue(people.customer[i]!, people.sentiment[i]!, people.advocateFlag[i]!, anyConversations ? ev!.total.positiveCount[i]! : -1);
  }
  const { authority, spoke, endorsed, said } = topicalEvidence(n, topics.length, pageRankLevels, ev, graph);
  // "A leading voice on t" needs others engaging with them about t: a level above 0 alone only
  // says they are active in t (the PageRank teleport set).
  const pageRankTopics = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let onLevel = 0;
    pageRankLevels.forEach((level, t) => {
      if (level[i]! > 0) onLevel |= 1 << t;
    });
    if (onLevel === 0) continue;
    if (!graph) {
      pageRankTopics[i] = onLevel >>> 0;
      continue;
    }
    let received = 0;
    for (let e = graph.in.offsets[i]!, end = graph.in.offsets[i + 1]!; e < end; e++) received |= graph.in.topics[e]!;
    pageRankTopics[i] = (onLevel & received) >>> 0;
  }
  const topicLeaders = authority.map((level) => topByScore(n, LEADERS_PER_TOPIC, (i) => (level[i]! > 0 ? level[i]! + reach[i]! * 0.5 : -1)));
  const advocateLeaders = new Map<number, Int32Array>();
  advocateLeaders.set(-1, topByScore(n, ADVOCATE_LEADERS, (i) => (advocacy[i]! > 0 ? advocacy[i]! * (0.5 + 0.5 * reach[i]!) : -1)));
  const industries = new Set<number>();
  for (let i = 0; i < n; i++) if (advocacy[i]! > 0 && people.industry[i]! >= 0) industries.add(people.industry[i]!);
  for (const ind of industries) {
    advocateLeaders.set(ind, topByScore(n, ADVOCATE_LEADERS, (i) => (advocacy[i]! > 0 && people.industry[i] === ind ? advocacy[i]! * (0.5 + 0.5 * reach[i]!) : -1)));
  }
  return {
    n,
    ids: people.ids,
    topics,
    authority,
    spoke,
    endorsed,
    said,
    pageRankTopics,
    customer: people.customer,
    sentiment: people.sentiment,
    reach,
    advocacy,
    industry: people.industry,
    region: people.region,
    companySize: people.companySize,
    codes,
    topicLeaders,
    advocateLeaders,
  };
}

/**
 * Per topic: spoke/endorsed levels from conversations, and authority = max(PageRank level,
 * evidence level) where evidence = endorsement × reception (RECEPTION_FLOOR). Endorsement is
 * log(1 + positive mass) relative to the topic's largest, so the prolific endorsers of a topic
 * lead it, not whoever has the most followers across all topics (issue 11).
 */
function topicalEvidence(n: number, topicCount: number, pageRankLevels: Uint8Array[], ev: ConversationEvidence | undefined, graph: InteractionGraph | undefined) {
  const spoke = Array.from({ length: topicCount }, () => new Uint8Array(n));
  const endorsed = Array.from({ length: topicCount }, () => new Uint8Array(n));
  const said = new Uint8Array(n);
  const authority = Array.from({ length: topicCount }, (_, t) => Uint8Array.from(pageRankLevels[t] ?? new Uint8Array(n)));
  if (!ev) return { authority, spoke, endorsed, said };
  // Per topic: log(1 + weight received about t), and its largest.
  const received = Array.from({ length: topicCount }, () => new Float32Array(n));
  const maxReceived = new Float64Array(topicCount);
  if (graph) {
    const sum = new Float64Array(topicCount);
    for (let i = 0; i < n; i++) {
      sum.fill(0);
      for (let e = graph.in.offsets[i]!, end = graph.in.offsets[i + 1]!; e < end; e++) {
        for (let mask = graph.in.topics[e]!; mask !== 0; mask &= mask - 1) {
          const t = 31 - Math.clz32(mask & -mask);
          if (t < topicCount) sum[t]! += graph.in.weight[e]!;
        }
      }
      for (let t = 0; t < topicCount; t++) {
        if (sum[t]! <= 0) continue;
        received[t]![i] = Math.log1p(sum[t]!);
        if (received[t]![i]! > maxReceived[t]!) maxReceived[t] = received[t]![i]!;
      }
    }
  }
  const maxPos = new Float64Array(topicCount);
  for (let i = 0; i < n; i++) {
    if (ev.total.count[i]! > 0) said[i] = 1;
    for (let e = ev.offsets[i]!, end = ev.offsets[i + 1]!; e < end; e++) {
      const t = ev.topic[e]!;
      if (t >= topicCount) continue;
      said[i] = 1;
      spoke[t]![i] = massLevel(ev.mass[e]!);
      endorsed[t]![i] = massLevel(ev.positiveMass[e]!);
      const lp = Math.log1p(ev.positiveMass[e]!);
      if (lp > maxPos[t]!) maxPos[t] = lp;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let e = ev.offsets[i]!, end = ev.offsets[i + 1]!; e < end; e++) {
      const t = ev.topic[e]!;
      if (t >= topicCount || maxPos[t]! <= 0) continue;
      // Nobody received anything about t (no topic-labelled interactions): reception is
      // unknown there, and endorsement alone decides.
      const reception = maxReceived[t]! > 0 ? received[t]![i]! / maxReceived[t]! : 1;
      const endorsement = Math.log1p(ev.positiveMass[e]!) / maxPos[t]!;
      const level = Math.round(255 * endorsement * (RECEPTION_FLOOR + (1 - RECEPTION_FLOOR) * reception));
      if (level > authority[t]![i]!) authority[t]![i] = level;
    }
  }
  return { authority, spoke, endorsed, said };
}

/** The k indices with the highest score (score < 0 = not eligible), best first; ties by lower index. */
export function topByScore(n: number, k: number, score: (i: number) => number): Int32Array {
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = score(i);
    if (s < 0 || (idx.length === k && s <= val[k - 1]!)) continue;
    let at = idx.length === k ? k - 1 : idx.length;
    while (at > 0 && val[at - 1]! < s) {
      if (at < k) {
        idx[at] = idx[at - 1]!;
        val[at] = val[at - 1]!;
      }
      at--;
    }
    idx[at] = i;
    val[at] = s;
  }
  return Int32Array.from(idx);
}

/**
 * Signals with fresh conversation levels (spoke, endorsed, said) for some people — an
 * incremental run's prospects, whose own conversations since the snapshot decide their topic
 * mix. Copies only the arrays it changes.
 */
export function withConversationLevels(g: GlobalSignals, ev: ConversationEvidence, people: readonly number[]): GlobalSignals {
  const spoke = g.spoke.map((a) => Uint8Array.from(a));
  const endorsed = g.endorsed.map((a) => Uint8Array.from(a));
  const said = Uint8Array.from(g.said);
  for (const i of people) {
    if (i < 0 || i >= g.n) continue;
    for (let t = 0; t < spoke.length; t++) {
      spoke[t]![i] = 0;
      endorsed[t]![i] = 0;
    }
    said[i] = ev.total.count[i]! > 0 ? 1 : 0;
    for (let e = ev.offsets[i]!, end = ev.offsets[i + 1]!; e < end; e++) {
      const t = ev.topic[e]!;
      if (t >= spoke.length) continue;
      said[i] = 1;
      spoke[t]![i] = massLevel(ev.mass[e]!);
      endorsed[t]![i] = massLevel(ev.positiveMass[e]!);
    }
  }
  return { ...g, spoke, endorsed, said };
}
