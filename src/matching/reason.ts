/**
 * The one-line reason a rep reads next to a match, written from the components that drove it
 * (largest contributions first) and the evidence behind each, e.g.
 *   "Decision stage: Dana replied to Sam 3× and shared Sam's posts 2×, last 4 days ago; same
 *    industry and region as Dana"
 * Pure. Components that contribute less than MIN_SHARE of the score are not mentioned.
 *
 * A phrase names only evidence that exists (issue 11: "talks positively about the brand" was
 * said of every customer while brand sentiment was never computed): brand talk is claimed only
 * from the influencer's stored conversations (with their counts), "customer" only from the CRM,
 * a topic only where the influencer endorsed it or others engaged them about it.
 */
import { STAGE_LABELS } from '../domain/stages.ts';
import { kindName, type InteractionGraph } from '../influence/graph.ts';
import type { Match, Prospect } from './score.ts';
import type { GlobalSignals } from './signals.ts';
import { COMPONENTS, type Component } from './weights.ts';

export const MIN_SHARE = 0.12;
export const MAX_PHRASES = 3;

const PAST: Record<string, string> = {
  mention: 'mentioned',
  reply: 'replied to',
  share: 'shared',
  like: 'liked',
  review: 'reviewed',
  referral: 'referred',
  follow: 'followed',
};

/** What the influencer said, from their stored conversations (store: loadConversationAggregates). */
export interface SaidSummary {
  count: number;
  positiveCount: number;
  /** Mean sentiment of their conversations; NaN when none had one. */
  sentiment: number;
  /** Topic bit → their conversations on it. */
  byTopic: Map<number, { count: number; positiveCount: number }>;
}

export interface ReasonContext {
  graph: InteractionGraph;
  signals: GlobalSignals;
  prospectName: string;
  influencerName: string;
  /** The influencer's audience size when known. */
  audience?: number | null;
  /** The influencer's conversations; null or absent when they have none. */
  said?: SaidSummary | null;
}

/** Components in the order they drove this match (largest contribution first), above MIN_SHARE. */
export function drivingComponents(m: Match): Component[] {
  const total = m.score || 1;
  return [...COMPONENTS]
    .filter((c) => m.contributions[c] / total >= MIN_SHARE && m.values[c] > 0 && !(c === 'effectiveness' && m.values[c] === 0.5))
    .sort((a, b) => m.contributions[b] - m.contributions[a]);
}

export function reasonFor(p: Prospect, m: Match, ctx: ReasonContext): string {
  const phrases = drivingComponents(m)
    .slice(0, MAX_PHRASES)
    .map((c) => phrase(c, p, m, ctx))
    .filter((s): s is string => !!s);
  const body = phrases.length > 0 ? phrases.join('; ') : 'best available match, no strong signal yet';
  return `${STAGE_LABELS[p.stage]} stage: ${body}`;
}

function phrase(c: Component, p: Prospect, m: Match, ctx: ReasonContext): string | null {
  const P = ctx.prospectName;
  const I = ctx.influencerName;
  const g = ctx.signals;
  switch (c) {
    case 'tie': {
      const d = directEvidence(ctx.graph, p.index, m.influencer);
      const parts: string[] = [];
      if (d.engaged.size > 0) parts.push(`${P} ${kindList(d.engaged, I)}`);
      if (d.reached.size > 0) parts.push(`${I} ${kindList(d.reached, P)}`);
      if (parts.length === 0) return null;
      const onTopic = endorsedTopics(m, ctx);
      return `${parts.join(' and ')}, last ${days(d.lastAgeDays)}${onTopic ? `; ${I} posted positively on ${onTopic}` : ''}`;
    }
    case 'twoHop': {
      const n = m.bridges;
      return n > 0 ? `${n} ${n === 1 ? 'person' : 'people'} ${P} engages with engage${n === 1 ? 's' : ''} with ${I}` : `close to ${P}'s contacts`;
    }
    case 'authority': {
      const endorsed = endorsedTopics(m, ctx);
      if (endorsed) return `${endorsed}`;
      // Otherwise the level is PageRank's: people engage with them about the topic.
      const names = m.topics.filter((bit) => (g.pageRankTopics[m.influencer]! & (1 << bit)) !== 0).map((bit) => g.topics[bit]!);
      if (names.length === 0) return null;
      return `a leading voice on ${names.slice(0, 2).join(' and ')}`;
    }
    case 'advocacy':
      return advocacyPhrase(m.influencer, ctx);
    case 'similarity': {
      const same: string[] = [];
      if (p.industry >= 0 && g.industry[m.influencer] === p.industry) same.push('industry');
      if (p.region >= 0 && g.region[m.influencer] === p.region) same.push('region');
      if (p.companySize >= 0 && g.companySize[m.influencer] === p.companySize) same.push('company size');
      return `same ${joinAnd(same)} as ${P}`;
    }
    case 'reach':
      return ctx.audience ? `audience of ${compact(ctx.audience)}` : 'large audience';
    case 'effectiveness':
      return m.values.effectiveness > 0.5 ? `converted well at the ${STAGE_LABELS[p.stage].toLowerCase()} stage before` : null;
  }
}

/**
 * "12 positive posts on Movies and 3 on Music": the prospect's topics on which the influencer's
 * stored conversations include positive ones, with their counts; null when there are none.
 */
function endorsedTopics(m: Match, ctx: ReasonContext): string | null {
  const said = ctx.said;
  if (!said) return null;
  const parts = m.topics
    .map((bit) => ({ bit, n: said.byTopic.get(bit)?.positiveCount ?? 0 }))
    .filter((x) => x.n > 0)
    .slice(0, 2)
    .map((x, k) => (k === 0 ? `${x.n} positive post${x.n === 1 ? '' : 's'} on ${ctx.signals.topics[x.bit]}` : `${x.n} on ${ctx.signals.topics[x.bit]}`));
  return parts.length > 0 ? joinAnd(parts) : null;
}

/**
 * Advocacy from what is on record: the CRM standing (signals.customer), then the brand talk
 * behind the brand sentiment (signals.sentiment, from the score job).
 */
function advocacyPhrase(i: number, ctx: ReasonContext): string | null {
  const customer = ctx.signals.customer[i]!;
  const who = customer === 2 ? 'an evangelist in the CRM' : customer === 1 ? 'a customer' : null;
  const said = ctx.said;
  const sentiment = ctx.signals.sentiment[i]!;
  let talk: string | null = null;
  if (said && said.count > 0 && said.positiveCount > 0 && Number.isFinite(sentiment) && sentiment > 0) {
    talk = `talks positively about the brand (${said.positiveCount} of ${said.count} posts positive)`;
  } else if (!said && Number.isFinite(sentiment) && sentiment > 0) {
    talk = `positive in what they post (mean sentiment ${sentiment.toFixed(2)})`;
  }
  if (who && talk) return `${who} who ${talk.replace(/^positive in/, 'is positive in')}`;
  return who ?? talk;
}

/** Interactions between p and i, by kind and direction, and the most recent one's age. */
export function directEvidence(graph: InteractionGraph, p: number, i: number) {
  const engaged = new Map<string, number>();
  const reached = new Map<string, number>();
  let lastAgeDays = Number.POSITIVE_INFINITY;
  const scan = (side: InteractionGraph['out'], into: Map<string, number>) => {
    for (let e = side.offsets[p]!, end = side.offsets[p + 1]!; e < end; e++) {
      if (side.nbr[e] !== i) continue;
      const k = kindName(side.kind[e]!);
      into.set(k, (into.get(k) ?? 0) + 1);
      lastAgeDays = Math.min(lastAgeDays, side.ageDays[e]!);
    }
  };
  scan(graph.out, engaged);
  scan(graph.in, reached);
  return { engaged, reached, lastAgeDays };
}

/** "replied to Sam 3× and shared Sam's posts 2×" — kinds by count, most first. */
function kindList(kinds: Map<string, number>, other: string): string {
  const parts = [...kinds]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 2)
    .map(([k, n]) => `${PAST[k] ?? k} ${k === 'share' || k === 'like' ? `${other}'s posts` : other}${n > 1 ? ` ${n}×` : ''}`);
  return joinAnd(parts);
}

function joinAnd(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}

function days(age: number): string {
  if (!Number.isFinite(age)) return 'some time ago';
  const d = Math.round(age);
  return d <= 0 ? 'today' : d === 1 ? 'yesterday' : `${d} days ago`;
}

function compact(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1).replace(/\.0$/, '')}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(n);
}
