/**
 * A synthetic but plausible market for the demo: CRM contacts, the social people around them
 * (prospects who are also contacts, influencers with audiences, community members) and their
 * interactions. Deterministic for a seed, so demo figures are reproducible.
 */
import type { z } from 'zod';
import type { InteractionKind, PersonSchema } from '../domain/signals.ts';
import { mulberry32 as prng } from '../domain/prng.ts';

/** What a client sends (before parsing): the API's input shapes. */
type PersonInput = z.input<typeof PersonSchema>;
interface InteractionInput {
  externalId: string;
  from: string;
  to: string;
  kind: InteractionKind;
  topics: string[];
  sentiment: number;
  occurredAt: string;
}


const FIRST = ['ada', 'ben', 'chloe', 'dev', 'elena', 'femi', 'grace', 'hiro', 'ines', 'jon', 'kira', 'luis', 'maya', 'nils', 'omar', 'priya', 'quinn', 'rosa', 'sam', 'tara'];
const LAST = ['adams', 'brown', 'chen', 'diaz', 'evans', 'fischer', 'garcia', 'haddad', 'ito', 'jones', 'khan', 'lopez', 'moreau', 'nakamura', 'okafor', 'patel'];
export const DEMO_TOPICS = ['marketing automation', 'crm', 'sales enablement', 'revops', 'email deliverability', 'b2b saas', 'customer success', 'analytics', 'ai assistants', 'social selling'];
const STAGES = ['subscriber', 'lead', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist'];
const KINDS: InteractionInput['kind'][] = ['mention', 'reply', 'reply', 'share', 'like', 'like', 'like', 'review', 'referral', 'follow'];

export interface DemoMarket {
  contacts: Record<string, string>[];
  people: PersonInput[];
  interactions: InteractionInput[];
}

export function generateMarket(opts: { contacts: number; seed?: number; now?: Date }): DemoMarket {
  const rnd = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const now = (opts.now ?? new Date()).getTime();

  const contacts = Array.from({ length: opts.contacts }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    return { email: `${first}.${last}.${i}@example.com`, firstname: first, lastname: last, lifecyclestage: pick(STAGES) };
  });

  const people: PersonInput[] = [];
  // 60% of contacts are active on social: they become prospects Sway can link by email.
  // Some emails arrive in a different case, as real exports do; normalisation still links them.
  const prospects = contacts.filter(() => rnd() < 0.6);
  prospects.forEach((c, i) => {
    people.push({
      id: `prospect-${i}`,
      name: `${c.firstname} ${c.lastname}`,
      emails: [i % 7 === 0 ? c.email!.toUpperCase() : c.email!],
      handles: [{ network: 'linkedin', handle: `${c.firstname}-${c.lastname}-${i}` }],
      audienceSize: Math.floor(50 + rnd() * 2000),
      topics: [pick(DEMO_TOPICS)],
    });
  });
  const influencers = Math.max(20, Math.floor(opts.contacts * 0.2));
  for (let i = 0; i < influencers; i++) {
    people.push({
      id: `influencer-${i}`,
      name: `${pick(FIRST)} ${pick(LAST)} (creator)`,
      handles: [{ network: pick(['x', 'linkedin', 'youtube'] as const), handle: `creator_${i}` }],
      // Heavy-tailed audiences: most creators are small, a few are very large.
      audienceSize: Math.floor(500 * Math.exp(rnd() * 9)),
      providerScores: rnd() < 0.5 ? [{ provider: 'klear', score: Math.round(20 + rnd() * 80), scale: { min: 0, max: 100 } }] : [],
      topics: [pick(DEMO_TOPICS), pick(DEMO_TOPICS)],
    });
  }
  const community = Math.floor(opts.contacts * 0.4);
  for (let i = 0; i < community; i++) people.push({ id: `member-${i}`, handles: [{ network: 'community', handle: `member${i}` }], audienceSize: Math.floor(rnd() * 300) });

  const ids = people.map((p) => p.id);
  const interactions: InteractionInput[] = [];
  const total = opts.contacts * 16;
  for (let n = 0; n < total; n++) {
    // Most conversation flows around influencers: they are one side of two thirds of edges.
    const to = rnd() < 0.66 ? `influencer-${Math.floor(Math.pow(rnd(), 2) * influencers)}` : pick(ids);
    let from = pick(ids);
    if (from === to) from = ids[(ids.indexOf(from) + 1) % ids.length]!;
    interactions.push({
      externalId: `demo-${n}`,
      from,
      to,
      kind: pick(KINDS),
      topics: [pick(DEMO_TOPICS)],
      sentiment: Math.round((rnd() * 1.5 - 0.5) * 100) / 100,
      occurredAt: new Date(now - Math.floor(rnd() * 120 * 86_400_000)).toISOString(),
    });
  }
  return { contacts, people, interactions };
}
