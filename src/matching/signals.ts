/**
 * The per-influencer half of matching — signals that do not depend on the prospect: topical
 * authority (PageRank levels), reach, advocacy, situational attributes, and the short lists of
 * candidates every prospect considers (topic leaders, advocates per industry). Computed once per
 * full run and kept in the match snapshot for incremental runs. Pure.
 */
import { REACH_SATURATION_LOG10 } from '../influence/score.ts';

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
  /** Per topic: authority level 0..255 per person. */
  authority: Uint8Array[];
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
export const ADVOCATE_LEADERS = 25;

/** Reach as in the influence score: log10(1 + audience) / 7, capped at 1; 0 when unknown. */
export function reachValue(audience: number): number {
  return Number.isFinite(audience) && audience > 0 ? Math.min(1, Math.log10(1 + audience) / REACH_SATURATION_LOG10) : 0;
}

/**
 * Advocacy 0..1: evangelists 1 and customers 0.7, scaled by brand sentiment (0.5 + 0.5·s when
 * known, 0 when negative — an unhappy customer is no advocate); people who are not customers but
 * talk about the brand positively and often get 0.3.
 */
export function advocacyValue(customer: number, sentiment: number, advocateFlag: number): number {
  const base = customer === 2 ? 1 : customer === 1 ? 0.7 : advocateFlag ? 0.3 : 0;
  if (base === 0) return 0;
  if (!Number.isFinite(sentiment)) return base * 0.5;
  return sentiment <= 0 ? 0 : base * (0.5 + 0.5 * Math.min(1, sentiment));
}

export function buildGlobalSignals(people: PeopleColumns, topics: string[], authority: Uint8Array[], codes: GlobalSignals['codes']): GlobalSignals {
  const { n } = people;
  const reach = new Float32Array(n);
  const advocacy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    reach[i] = reachValue(people.audience[i]!);
    advocacy[i] = advocacyValue(people.customer[i]!, people.sentiment[i]!, people.advocateFlag[i]!);
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
