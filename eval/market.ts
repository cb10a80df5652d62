/**
 * A seeded synthetic market with planted truth, for `npm run eval:match` (README "Matching
 * evaluation"). The generator decides who really influences whom (per prospect, on the
 * prospect's topic, with a mix that depends on the scenario and the prospect's stage), then
 * emits only what a CRM and social feeds would show: people with audiences, attributes, declared
 * topics and customer status, and interactions (from, to, kind, topic, age). The engine sees
 * those; the truth stays in `truth*` fields the evaluation alone reads.
 *
 * Population (roles are latent; nothing in the output says who is what):
 *   ordinary  most people; members of a community; small audiences (10^1.3..10^3.3, 15% unknown).
 *   micro     micro-influencers: community members with 10^3..10^4.5 followers who post a lot on
 *             their community's topic; community members engage them.
 *   hub       big topical voices (audience log-normal around 10^5.5) with a latent topical
 *             quality q; people active in the topic, micro-influencers and other hubs engage a
 *             hub in proportion to q. Audience correlates with q only partly (`hubAudienceQuality`).
 *   loud      same audiences as hubs, 2–3 topics, lots of likes and follows from random people,
 *             and influence on nobody (Cha et al. 2010: followers ≠ influence).
 * Communities (~`communitySize` people) carry a topic, industry, region and company size that
 * members share with probability `homophily` (Aral et al. 2009: similar people interact more,
 * which is not influence).
 *
 * Observable interactions (u → v: u engaged with v):
 *   contacts  `contacts` per person, `inCommunity` of them in the community, Poisson(`contactRate`)
 *             engagements each way-ish, on mixed topics.
 *   buddies   `buddies` close friends per person: as many and as deep engagements as a planted
 *             close influencer, but on mixed topics and with no influence — homophily noise.
 *   follows   each person engages micro-influencers of their community and hubs of their topic.
 *   random    Poisson(`randomEngagements`) likes/follows of random people's posts.
 *   planted   a person engages each planted close influencer Poisson(`plantedRate` · s / (0.2 ·
 *             stage factor)) times and is engaged back Poisson(`buddyRate` / 2), a planted hub
 *             1 + Poisson(0.5) times, 80% about the person's topic — except `silentShare` of
 *             them, whom the person only reads (no direct trace; visible at most through
 *             contacts and authority).
 *
 * Planted truth, for every ordinary person p with latent topic t and stage s: three influencers,
 * each slot "close" with probability `closeShare[scenario][s]`, else "hub".
 *   close  a micro-influencer of p's community on t (weight 3), an ordinary contact or buddy of
 *          p whose topic is t (weight 1); when there is none, any community member on t (a contact
 *          p makes through the planted engagement); a hub when there is still none. At decision,
 *          purchase and advocacy a happy customer (sentiment > 0.2) counts 1.5×, an unhappy one
 *          (sentiment < 0) 0.3× (peers who bought).
 *   hub    a hub of topic t, chosen with probability ∝ q.
 * Strength s ~ U(0.1, 0.3) × `stageStrength[stage]` × the customer factor: the probability that
 * this influencer alone converts p when a campaign uses them. Anyone else who truly talks about t
 * has an ambient effect of `ambient` × reach (a big audience reaches a few people regardless).
 */
import { EdgeColumns, kindIndex, TopicDictionary } from '../src/influence/graph.ts';
import { CANONICAL_STAGES, type CanonicalStage } from '../src/domain/stages.ts';
import { Codes, reachValue, type PeopleColumns } from '../src/matching/signals.ts';
import type { Prospect } from '../src/matching/score.ts';
import { mulberry32 } from '../src/domain/prng.ts';

export type Scenario = 'micro' | 'hubs';
export const SCENARIOS: readonly Scenario[] = ['micro', 'hubs'];

export const ROLE = { ordinary: 0, micro: 1, hub: 2, loud: 3 } as const;
/** Slot kinds of the planted truth. */
export const SLOT = { close: 1, hub: 2 } as const;
export const TRUE_INFLUENCERS = 3;

export interface MarketParams {
  people: number;
  prospects: number;
  topics: number;
  industries: number;
  regions: number;
  companySizes: number;
  communitySize: number;
  hubShare: number;
  loudShare: number;
  microShare: number;
  homophily: number;
  contacts: number;
  inCommunity: number;
  contactRate: number;
  buddies: number;
  buddyRate: number;
  microFollows: number;
  hubFollows: number;
  randomEngagements: number;
  loudLikes: number;
  plantedRate: number;
  silentShare: number;
  /** Correlation of a hub's log audience with its log quality q. */
  hubAudienceQuality: number;
  ambient: number;
  /** P(a planted slot is a close influencer) by scenario and stage. */
  closeShare: Record<Scenario, Record<CanonicalStage, number>>;
  stageStrength: Record<CanonicalStage, number>;
  /** Share of prospects per stage. */
  stageMix: Record<CanonicalStage, number>;
}

export const DEFAULT_MARKET: MarketParams = {
  people: 20_000,
  prospects: 3_000,
  topics: 12,
  industries: 10,
  regions: 6,
  companySizes: 4,
  communitySize: 100,
  hubShare: 0.006,
  loudShare: 0.0025,
  microShare: 0.06,
  homophily: 0.7,
  contacts: 8,
  inCommunity: 0.85,
  contactRate: 1.2,
  buddies: 2,
  buddyRate: 3,
  microFollows: 1.5,
  hubFollows: 1.5,
  randomEngagements: 2,
  loudLikes: 300,
  plantedRate: 3,
  silentShare: 0.25,
  hubAudienceQuality: 0.5,
  ambient: 0.02,
  closeShare: {
    micro: { awareness: 0.7, consideration: 0.8, decision: 0.9, purchase: 0.9, advocacy: 0.9, unknown: 0.8 },
    hubs: { awareness: 0.1, consideration: 0.1, decision: 0.25, purchase: 0.25, advocacy: 0.3, unknown: 0.2 },
  },
  stageStrength: { awareness: 0.6, consideration: 0.8, decision: 1, purchase: 1, advocacy: 0.7, unknown: 0.8 },
  stageMix: { awareness: 0.3, consideration: 0.25, decision: 0.2, purchase: 0.1, advocacy: 0.1, unknown: 0.05 },
};

export interface Market {
  scenario: Scenario;
  seed: number;
  params: MarketParams;
  /** What the engine sees. */
  people: PeopleColumns;
  codes: { industry: Codes; region: Codes; companySize: Codes };
  dictionary: TopicDictionary;
  edges: EdgeColumns;
  prospects: Prospect[];
  /** Truth, for the evaluation only. */
  truthRole: Uint8Array;
  /** Latent topic id (0..topics−1, not a dictionary bit) per person. */
  truthTopic: Int16Array;
  /** Topics each person really talks about (bit per topic id). */
  truthTopics: Uint32Array;
  /** Per person, TRUE_INFLUENCERS slots: influencer (−1 none), strength, slot kind. */
  truthInfluencer: Int32Array;
  truthStrength: Float32Array;
  truthSlot: Uint8Array;
  truthQuality: Float32Array;
  /** Topic id → dictionary bit. */
  topicBit: Int32Array;
}

export const prng = mulberry32;

/** A seed per (seed, stream name) so streams do not shift when another stream draws more. */
export function streamSeed(seed: number, name: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
}

class Rng {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const l = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > l) {
      k++;
      p *= this.next();
    }
    return k;
  }
  /** Index into `weights` with probability ∝ weight; −1 when all are 0. */
  weighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    if (total <= 0) return -1;
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }
  /** Index with probability ∝ weight, from running totals (last = the sum). */
  cumulative(cum: Float64Array): number {
    const r = this.next() * cum[cum.length - 1]!;
    let i = 0;
    while (i < cum.length - 1 && r >= cum[i]!) i++;
    return i;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

// Kind mixes: casual engagement is mostly likes; close engagement (buddies and planted
// influencers alike, so kinds do not give the truth away) is replies and shares.
const CASUAL = kindMix({ like: 35, reply: 20, share: 15, mention: 15, follow: 5, review: 5, referral: 5 });
const CLOSE = kindMix({ reply: 30, share: 25, mention: 15, like: 15, review: 10, referral: 5 });
const FOLLOW = kindMix({ like: 45, share: 25, follow: 15, reply: 10, mention: 5 });
const RANDOM = kindMix({ like: 70, follow: 30 });

interface KindMix {
  kinds: number[];
  cum: Float64Array;
}

function kindMix(mix: Record<string, number>): KindMix {
  return { kinds: Object.keys(mix).map(kindIndex), cum: running(Object.values(mix)) };
}

function running(weights: ArrayLike<number>): Float64Array {
  const cum = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) cum[i] = total += weights[i]!;
  return cum;
}

export function generateMarket(scenario: Scenario, seed: number, overrides: Partial<MarketParams> = {}): Market {
  const P: MarketParams = { ...DEFAULT_MARKET, ...overrides };
  const rng = new Rng(prng(streamSeed(seed, `market:${scenario}`)));
  const n = P.people;
  const K = P.topics;

  // Roles: a random permutation, then the first hubs, loud people, micro-influencers.
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hubs = Math.max(3 * K, Math.round(n * P.hubShare)); // at least 3 per topic: three hub slots
  const louds = Math.max(1, Math.round(n * P.loudShare));
  const micros = Math.round(n * P.microShare);
  const role = new Uint8Array(n);
  for (let k = 0; k < n; k++) role[order[k]!] = k < hubs ? ROLE.hub : k < hubs + louds ? ROLE.loud : k < hubs + louds + micros ? ROLE.micro : ROLE.ordinary;

  // Communities of ordinary people and micro-influencers.
  const communityCount = Math.max(1, Math.round((n - hubs - louds) / P.communitySize));
  const community = new Int32Array(n).fill(-1);
  const comm = Array.from({ length: communityCount }, () => ({
    topic: rng.int(K),
    industry: rng.int(P.industries),
    region: rng.int(P.regions),
    size: rng.int(P.companySizes),
    members: [] as number[],
    micros: [] as number[],
  }));
  for (let k = hubs + louds, c = 0; k < n; k++, c = (c + 1) % communityCount) {
    const i = order[k]!;
    community[i] = c;
    comm[c]!.members.push(i);
    if (role[i] === ROLE.micro) comm[c]!.micros.push(i);
  }

  const codes = { industry: new Codes(), region: new Codes(), companySize: new Codes() };
  const industryCode = Array.from({ length: P.industries }, (_, k) => codes.industry.code(`industry ${k}`));
  const regionCode = Array.from({ length: P.regions }, (_, k) => codes.region.code(`region ${k}`));
  const sizeCode = Array.from({ length: P.companySizes }, (_, k) => codes.companySize.code(`size ${k}`));
  const industry = new Int32Array(n);
  const region = new Int32Array(n);
  const companySize = new Int32Array(n);
  const audience = new Float64Array(n);
  const topic = new Int16Array(n);
  const trueTopics = new Uint32Array(n);
  const declared = new Uint32Array(n);
  const quality = new Float32Array(n);
  const customer = new Uint8Array(n);
  const sentiment = new Float32Array(n).fill(Number.NaN);
  const advocateFlag = new Uint8Array(n);
  const hubsOfTopic: number[][] = Array.from({ length: K }, () => []);
  let hubSeq = 0;
  const attr = (own: number, count: number, codesOf: number[]) => {
    if (rng.next() < 0.1) return -1;
    return codesOf[own >= 0 && rng.next() < P.homophily ? own : rng.int(count)]!;
  };
  for (let i = 0; i < n; i++) {
    const c = community[i]! >= 0 ? comm[community[i]!]! : null;
    industry[i] = attr(c ? c.industry : -1, P.industries, industryCode);
    region[i] = attr(c ? c.region : -1, P.regions, regionCode);
    companySize[i] = attr(c ? c.size : -1, P.companySizes, sizeCode);
    const r = role[i]!;
    if (r === ROLE.hub) {
      const t = hubSeq++ % K; // every topic gets at least 3 hubs
      topic[i] = t;
      trueTopics[i] = 1 << t;
      const za = rng.normal();
      const rho = P.hubAudienceQuality;
      audience[i] = Math.round(Math.min(1e7, 10 ** (5.5 + 0.5 * za)));
      quality[i] = Math.exp(0.8 * (rho * za + Math.sqrt(1 - rho * rho) * rng.normal()));
      hubsOfTopic[t]!.push(i);
      declared[i] = rng.next() < 0.95 ? 1 << t : 0;
    } else if (r === ROLE.loud) {
      const count = 2 + rng.int(2);
      for (let k = 0; k < count; k++) trueTopics[i]! |= 1 << rng.int(K);
      topic[i] = 31 - Math.clz32(trueTopics[i]!);
      audience[i] = Math.round(Math.min(1e7, 10 ** (5.5 + 0.5 * rng.normal())));
      declared[i] = trueTopics[i]!;
    } else {
      const micro = r === ROLE.micro;
      const t = rng.next() < (micro ? 0.85 : 0.75) ? c!.topic : rng.int(K);
      topic[i] = t;
      trueTopics[i] = 1 << t;
      audience[i] = micro ? Math.round(10 ** (3 + 1.5 * rng.next())) : rng.next() < 0.15 ? Number.NaN : Math.round(10 ** (1.3 + 2 * rng.next()));
      declared[i] = (rng.next() < (micro ? 0.85 : 0.6) ? 1 << t : 0) | (rng.next() < 0.25 ? 1 << rng.int(K) : 0);
    }
    const x = rng.next();
    const custShare = r === ROLE.ordinary || r === ROLE.micro ? 1 : 0.3;
    if (x < 0.02 * custShare) {
      customer[i] = 2;
      sentiment[i] = clamp(0.7 + 0.2 * rng.normal(), -1, 1);
    } else if (x < 0.1 * custShare) {
      customer[i] = 1;
      sentiment[i] = clamp(0.3 + 0.45 * rng.normal(), -1, 1);
    } else if (rng.next() < 0.02) {
      advocateFlag[i] = 1;
      sentiment[i] = clamp(0.5 + 0.2 * rng.normal(), -1, 1);
    }
  }

  // Stages: every ordinary person has one (it shapes their planted truth); prospects are a
  // random sample of ordinary people, and the CRM knows their stage.
  const stageOf = new Uint8Array(n);
  const stageWeights = CANONICAL_STAGES.map((s) => P.stageMix[s]);
  for (let i = 0; i < n; i++) stageOf[i] = Math.max(0, rng.weighted(stageWeights));

  const edges = new EdgeColumns();
  const topicCount = new Float64Array(K);
  // Topics are stored by id and turned into dictionary bits once frequencies are known.
  const push = (u: number, v: number, mix: KindMix, t: number) => {
    if (u === v) return;
    edges.push(u, v, mix.kinds[rng.cumulative(mix.cum)]!, t, 0.2 + 0.8 * (rng.next() - 0.5), 365 * rng.next());
    topicCount[t]!++;
  };
  const mixedTopic = (u: number, v: number) => {
    const x = rng.next();
    return x < 0.5 ? topic[v]! : x < 0.8 ? topic[u]! : rng.int(K);
  };
  const hubQuality = hubsOfTopic.map((hs) => running(hs.map((h) => quality[h]!)));
  const pickHub = (t: number) => hubsOfTopic[t]![rng.cumulative(hubQuality[t]!)]!;
  const everyone = (): number => rng.int(n);

  const truthInfluencer = new Int32Array(n * TRUE_INFLUENCERS).fill(-1);
  const truthStrength = new Float32Array(n * TRUE_INFLUENCERS);
  const truthSlot = new Uint8Array(n * TRUE_INFLUENCERS);

  for (let u = 0; u < n; u++) {
    const r = role[u]!;
    if (r === ROLE.hub) {
      // Hubs endorse other hubs of their topic (∝ q) and mention micro-influencers.
      for (let k = rng.poisson(3); k > 0; k--) push(u, pickHub(topic[u]!), FOLLOW, topic[u]!);
      for (let k = rng.poisson(2); k > 0; k--) {
        const c = comm[rng.int(communityCount)]!;
        if (c.micros.length > 0) push(u, rng.pick(c.micros), CASUAL, topic[u]!);
      }
      continue;
    }
    if (r === ROLE.loud) {
      const ts = topicsOf(trueTopics[u]!);
      for (let k = rng.poisson(P.loudLikes); k > 0; k--) push(everyone(), u, RANDOM, rng.pick(ts));
      for (let k = rng.poisson(20); k > 0; k--) push(u, everyone(), CASUAL, rng.pick(ts));
      continue;
    }
    const c = comm[community[u]!]!;
    const t = topic[u]!;
    const contactList: number[] = [];
    for (let k = 0; k < P.contacts; k++) {
      const v = rng.next() < P.inCommunity ? rng.pick(c.members) : nonHub();
      if (v === u) continue;
      contactList.push(v);
      for (let m = rng.poisson(P.contactRate); m > 0; m--) push(u, v, CASUAL, mixedTopic(u, v));
      for (let m = rng.poisson(P.contactRate * 0.5); m > 0; m--) push(v, u, CASUAL, mixedTopic(v, u));
    }
    for (let k = 0; k < P.buddies; k++) {
      const v = rng.pick(c.members);
      if (v === u) continue;
      contactList.push(v);
      for (let m = rng.poisson(P.buddyRate); m > 0; m--) push(u, v, CLOSE, mixedTopic(u, v));
      for (let m = rng.poisson(P.buddyRate * 0.5); m > 0; m--) push(v, u, CLOSE, mixedTopic(v, u));
    }
    // Following: micro-influencers of the community (on one's topic when any), hubs of one's topic.
    const onTopic = c.micros.filter((m) => topic[m] === t);
    for (let k = rng.poisson(P.microFollows); k > 0; k--) {
      const pool = onTopic.length > 0 ? onTopic : c.micros;
      if (pool.length === 0) break;
      const m = rng.pick(pool);
      for (let j = 1 + rng.poisson(1); j > 0; j--) push(u, m, FOLLOW, topic[m]!);
    }
    const hubFollows = rng.poisson(r === ROLE.micro ? 3 : P.hubFollows);
    for (let k = 0; k < hubFollows; k++) for (let j = 1 + rng.poisson(0.5); j > 0; j--) push(u, pickHub(t), FOLLOW, t);
    for (let k = rng.poisson(P.randomEngagements); k > 0; k--) {
      const v = everyone();
      push(u, v, RANDOM, rng.next() < 0.7 ? topic[v]! : rng.int(K));
    }
    if (r !== ROLE.ordinary) continue;

    // Planted truth and its observable traces.
    const stage = CANONICAL_STAGES[stageOf[u]!]!;
    const peerStage = stage === 'decision' || stage === 'purchase' || stage === 'advocacy';
    const closePool: number[] = [];
    const closeWeight: number[] = [];
    for (const m of onTopic) {
      closePool.push(m);
      closeWeight.push(3);
    }
    for (const v of contactList) if (role[v] === ROLE.ordinary && topic[v] === t) {
      closePool.push(v);
      closeWeight.push(1);
    }
    if (closePool.length === 0) for (const v of c.members) if (role[v] === ROLE.ordinary && topic[v] === t && v !== u) {
      closePool.push(v);
      closeWeight.push(1);
    }
    const taken = new Set<number>([u]);
    for (let s = 0; s < TRUE_INFLUENCERS; s++) {
      let slot: number = rng.next() < P.closeShare[scenario][stage] ? SLOT.close : SLOT.hub;
      let i = -1;
      let factor = 1;
      if (slot === SLOT.close) {
        const w = closeWeight.map((x, k) => (taken.has(closePool[k]!) ? 0 : x * customerFactor(closePool[k]!, peerStage)));
        const k = rng.weighted(w);
        if (k >= 0) {
          i = closePool[k]!;
          factor = customerFactor(i, peerStage);
        } else slot = SLOT.hub;
      }
      if (slot === SLOT.hub) {
        const hs = hubsOfTopic[t]!;
        const k = rng.weighted(hs.map((h) => (taken.has(h) ? 0 : quality[h]!)));
        if (k < 0) continue;
        i = hs[k]!;
      }
      taken.add(i);
      const strength = (0.1 + 0.2 * rng.next()) * P.stageStrength[stage] * factor;
      truthInfluencer[u * TRUE_INFLUENCERS + s] = i;
      truthStrength[u * TRUE_INFLUENCERS + s] = strength;
      truthSlot[u * TRUE_INFLUENCERS + s] = slot;
      if (rng.next() < P.silentShare) continue;
      if (slot === SLOT.close) {
        for (let m = rng.poisson((P.plantedRate * strength) / (0.2 * P.stageStrength[stage])); m > 0; m--) push(u, i, CLOSE, rng.next() < 0.8 ? t : rng.int(K));
        for (let m = rng.poisson(P.buddyRate * 0.5); m > 0; m--) push(i, u, CLOSE, rng.next() < 0.8 ? t : rng.int(K));
      } else {
        for (let m = 1 + rng.poisson(0.5); m > 0; m--) push(u, i, FOLLOW, rng.next() < 0.8 ? t : rng.int(K));
      }
    }

  }

  /** Peers who bought move a late-stage prospect more; an unhappy customer much less. */
  function customerFactor(v: number, peerStage: boolean): number {
    if (!peerStage || customer[v] === 0) return 1;
    return sentiment[v]! > 0.2 ? 1.5 : sentiment[v]! < 0 ? 0.3 : 1;
  }

  function nonHub(): number {
    for (;;) {
      const v = rng.int(n);
      if (community[v]! >= 0) return v;
    }
  }

  // Topic dictionary from observed frequencies (interactions and declarations), as the loader does.
  const names = Array.from({ length: K }, (_, t) => topicName(t));
  for (let i = 0; i < n; i++) for (const t of topicsOf(declared[i]!)) topicCount[t]!++;
  const dictionary = new TopicDictionary(new Map(names.map((name, t) => [name, topicCount[t]!])));
  const topicBit = Int32Array.from(names, (name) => dictionary.bit(name));
  for (let e = 0; e < edges.count; e++) edges.topics[e] = (1 << topicBit[edges.topics[e]!]!) >>> 0;
  const declaredMask = Uint32Array.from(declared, (m) => dictionary.mask(topicsOf(m).map((t) => names[t]!)));

  // Prospects: ordinary people; purchase and advocacy stages are customers in the CRM.
  const ordinary = [...order].filter((i) => role[i] === ROLE.ordinary);
  const prospectIdx = ordinary.slice(0, Math.min(P.prospects, ordinary.length)).sort((a, b) => a - b);
  for (const i of prospectIdx) {
    const stage = CANONICAL_STAGES[stageOf[i]!]!;
    if ((stage === 'purchase' || stage === 'advocacy') && customer[i] === 0) {
      customer[i] = stage === 'advocacy' ? 2 : 1;
      sentiment[i] = clamp(0.3 + 0.45 * rng.normal(), -1, 1);
    }
  }
  const prospects: Prospect[] = prospectIdx.map((i) => ({
    index: i,
    stage: CANONICAL_STAGES[stageOf[i]!]!,
    industry: industry[i]!,
    region: region[i]!,
    companySize: companySize[i]!,
    topics: declaredMask[i]!,
  }));

  const people: PeopleColumns = {
    n,
    ids: Float64Array.from({ length: n }, (_, i) => i + 1),
    audience,
    industry,
    region,
    companySize,
    topics: declaredMask,
    customer,
    sentiment,
    advocateFlag,
  };
  return {
    scenario,
    seed,
    params: P,
    people,
    codes,
    dictionary,
    edges,
    prospects,
    truthRole: role,
    truthTopic: topic,
    truthTopics: trueTopics,
    truthInfluencer,
    truthStrength,
    truthSlot,
    truthQuality: quality,
    topicBit,
  };
}

/**
 * The planted influence of i on prospect p: the planted strength when i is one of p's true
 * influencers, else `ambient` × reach when i really talks about p's topic, else 0.
 */
export function trueInfluence(m: Market, p: number, i: number): number {
  for (let s = 0; s < TRUE_INFLUENCERS; s++) if (m.truthInfluencer[p * TRUE_INFLUENCERS + s] === i) return m.truthStrength[p * TRUE_INFLUENCERS + s]!;
  return (m.truthTopics[i]! & (1 << m.truthTopic[p]!)) !== 0 ? m.params.ambient * reachValue(m.people.audience[i]!) : 0;
}

/** P(p converts) when a campaign uses `chosen`: 1 − Π (1 − influence), independent effects. */
export function conversionProbability(m: Market, p: number, chosen: ArrayLike<number>): number {
  let miss = 1;
  for (let k = 0; k < chosen.length; k++) miss *= 1 - trueInfluence(m, p, chosen[k]!);
  return 1 - miss;
}

export function plantedInfluencers(m: Market, p: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < TRUE_INFLUENCERS; s++) {
    const i = m.truthInfluencer[p * TRUE_INFLUENCERS + s]!;
    if (i >= 0) out.push(i);
  }
  return out;
}

function topicName(t: number): string {
  return `topic ${String(t).padStart(2, '0')}`;
}

function topicsOf(mask: number): number[] {
  const out: number[] = [];
  for (let m = mask; m !== 0; m &= m - 1) out.push(31 - Math.clz32(m & -m));
  return out;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
