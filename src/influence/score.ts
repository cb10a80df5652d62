/**
 * The first, global influence score (field `influenceScore`) and the small per-person
 * aggregates the push job writes next to it. Pure: all inputs are arguments, including `now`.
 *
 * The global score is one input to stage-aware matching, never the ranking itself (see
 * DESIGN.md "Principles"): follower counts and influence rankings disagree (Cha et al. 2010),
 * so reach is capped and weighted no more than observed engagement.
 *
 * Formula
 * -------
 *   score = round(100 × Σ_c w_c·x_c / Σ_c w_c)   over the components c that have data
 *
 *   reach      x = min(1, log10(1 + audienceSize) / 7)
 *              7 decades: ten million followers saturate; the log keeps a 10× bigger audience
 *              worth a fixed step, not 10× the score. No data when audienceSize is null.
 *   engagement x = 1 − exp(−E / 20),  E = Σ_inbound kindWeight(kind) · 0.5^(ageDays / 90)
 *              Inbound interactions are others engaging with this person. A 90-day half-life
 *              lets last quarter's conversations count half; the exponential saturates so a
 *              handful of strong signals matters and a flood of likes cannot reach 1 alone
 *              (E = 20 gives 0.63). Interactions dated after `now` count as age 0.
 *              Sentiment is deliberately not used: critics engaging with someone still shows
 *              that person moves conversations; brand sentiment is its own field.
 *              Always has data: knowing of no interactions means zero engagement, otherwise a
 *              large audience alone would score 100.
 *   provider   x = mean over provider scores of clamp((score − min) / (max − min), 0, 1)
 *              No data when there are no provider scores.
 *
 *   Weights w: reach 0.4, engagement 0.4, provider 0.2. A component without data drops out
 *   and its weight is shared by the others in proportion (the division by Σ w).
 *   Kind weights: review 3, referral 3, reply 2, share 2, mention 1.5, follow 1, like 0.5 —
 *   effort and endorsement strength (a review or referral puts the author's name behind it).
 */
import type { InteractionKind } from '../domain/signals.ts';

/** Component weights; they sum to 1. */
export const INFLUENCE_WEIGHTS = { reach: 0.4, engagement: 0.4, provider: 0.2 } as const;

/** log10 of the audience size at which reach saturates (10,000,000). */
export const REACH_SATURATION_LOG10 = 7;
/** Half-life of an interaction's contribution to engagement, in days. */
export const ENGAGEMENT_HALF_LIFE_DAYS = 90;
/** Decayed, weighted interaction mass at which engagement reaches 1 − 1/e ≈ 0.63. */
export const ENGAGEMENT_SCALE = 20;

/** Weight of one inbound interaction by kind, before decay. */
export const KIND_WEIGHTS: Readonly<Record<InteractionKind, number>> = {
  review: 3,
  referral: 3,
  reply: 2,
  share: 2,
  mention: 1.5,
  follow: 1,
  like: 0.5,
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the score needs to know about one person; built by the job from the store. */
export interface PersonAggregate {
  /** Followers/subscribers across networks; null when unknown (not the same as 0). */
  audienceSize: number | null;
  /** External scores with their own range (e.g. 0..100). */
  providerScores: { score: number; min: number; max: number }[];
  /** Interactions whose target (`to`) is this person. */
  inbound: { kind: InteractionKind; occurredAt: Date; sentiment: number | null }[];
}

/** Each component in 0..1, or null when it has no data. */
export interface InfluenceComponents {
  reach: number | null;
  engagement: number;
  provider: number | null;
}

/** The components of the score, for explanations ("reach 0.71, engagement 0.35"). */
export function influenceComponents(p: PersonAggregate, now: Date): InfluenceComponents {
  return { reach: reach(p.audienceSize), engagement: engagement(p.inbound, now), provider: provider(p.providerScores) };
}

/** The global influence score, an integer in 0..100 (see the formula above). */
export function influenceScore(p: PersonAggregate, now: Date): number {
  const c = influenceComponents(p, now);
  let weighted = INFLUENCE_WEIGHTS.engagement * c.engagement;
  let total = INFLUENCE_WEIGHTS.engagement;
  if (c.reach !== null) {
    weighted += INFLUENCE_WEIGHTS.reach * c.reach;
    total += INFLUENCE_WEIGHTS.reach;
  }
  if (c.provider !== null) {
    weighted += INFLUENCE_WEIGHTS.provider * c.provider;
    total += INFLUENCE_WEIGHTS.provider;
  }
  return Math.min(100, Math.max(0, Math.round((100 * weighted) / total)));
}

function reach(audienceSize: number | null): number | null {
  if (audienceSize === null || Number.isNaN(audienceSize)) return null;
  return Math.min(1, Math.log10(1 + Math.max(0, audienceSize)) / REACH_SATURATION_LOG10);
}

function engagement(inbound: PersonAggregate['inbound'], now: Date): number {
  let mass = 0;
  for (const i of inbound) {
    const ageDays = Math.max(0, (now.getTime() - i.occurredAt.getTime()) / DAY_MS);
    if (Number.isFinite(ageDays)) mass += KIND_WEIGHTS[i.kind] * 0.5 ** (ageDays / ENGAGEMENT_HALF_LIFE_DAYS);
  }
  return 1 - Math.exp(-mass / ENGAGEMENT_SCALE);
}

function provider(scores: PersonAggregate['providerScores']): number | null {
  const normalised = scores
    .filter((s) => s.max > s.min && Number.isFinite(s.score))
    .map((s) => Math.min(1, Math.max(0, (s.score - s.min) / (s.max - s.min))));
  return normalised.length === 0 ? null : normalised.reduce((a, b) => a + b, 0) / normalised.length;
}

/**
 * The k most frequent topics across lists (one list per conversation). A topic counts once
 * per list, so one post repeating a tag does not dominate. Topics merge case-insensitively
 * and after trimming; each is shown in its most common spelling (first seen on a tie). Ties
 * in frequency are broken alphabetically, so the output is stable between runs. `counted` adds
 * topics with their counts (one per list that would carry them) without building the lists.
 */
export function topTopics(topicLists: readonly (readonly string[])[], k = 3, counted: ReadonlyMap<string, number> = new Map()): string[] {
  const byKey = new Map<string, { count: number; spellings: Map<string, number> }>();
  // Topics already counted elsewhere (a person's conversations per topic, summed in the store):
  // as if each of `n` lists carried the topic once.
  for (const [raw, n] of counted) {
    const topic = raw.trim();
    const key = topic.toLowerCase();
    if (key === '' || n <= 0) continue;
    const entry = byKey.get(key) ?? { count: 0, spellings: new Map<string, number>() };
    entry.count += n;
    entry.spellings.set(topic, (entry.spellings.get(topic) ?? 0) + n);
    byKey.set(key, entry);
  }
  for (const list of topicLists) {
    const seen = new Set<string>();
    for (const raw of list) {
      const topic = raw.trim();
      const key = topic.toLowerCase();
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      const entry = byKey.get(key) ?? { count: 0, spellings: new Map<string, number>() };
      entry.count += 1;
      entry.spellings.set(topic, (entry.spellings.get(topic) ?? 0) + 1);
      byKey.set(key, entry);
    }
  }
  return [...byKey.entries()]
    .sort(([ka, a], [kb, b]) => b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0))
    .slice(0, Math.max(0, k))
    .map(([, e]) => [...e.spellings.entries()].reduce((best, s) => (s[1] > best[1] ? s : best))[0]);
}

/** Mean of the known sentiments (null and NaN skipped), or null when none is known. */
export function meanSentiment(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

/** Fewest interactions a person must have authored to be flagged an advocate. */
export const ADVOCATE_MIN_AUTHORED = 3;
/** Lowest mean sentiment of those interactions to be flagged an advocate. */
export const ADVOCATE_MIN_SENTIMENT = 0.3;

/**
 * Whether to set the `advocate` flag. Reps will ask these people for help, so the bar is
 * behaviour, not one post: at least 3 authored interactions (one enthusiastic post is noise)
 * with a mean sentiment of at least 0.3, clearly above the near-zero band where sentiment
 * models mostly disagree. Unknown sentiment is never advocacy.
 */
export function isAdvocate(authoredCount: number, meanSentimentValue: number | null): boolean {
  return (
    authoredCount >= ADVOCATE_MIN_AUTHORED &&
    meanSentimentValue !== null &&
    meanSentimentValue >= ADVOCATE_MIN_SENTIMENT
  );
}
