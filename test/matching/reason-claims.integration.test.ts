/**
 * Every reason names only evidence that exists (issue 11: "talks positively about the brand"
 * was said of every customer while no conversation was ever read). People with and without
 * conversations, customers with and without brand talk, go in through the real API; the score
 * job and a full match run compute matches; then each claim of each stored reason is checked
 * against the stored inputs (conversations, interactions, CRM stages) by SQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullMatchRun } from '../../src/jobs/match-run.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { allMatches } from '../../src/store/matches.ts';
import { apiClient, rows } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let apiKey: string;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/**
 * Dana, Ivy and Jo are prospects (leads and an opportunity). Cara is a customer who never said a
 * thing; Eve a customer with mixed posts on crm; Finn no contact but a prolific, happy poster on
 * crm; Gus no contact, no conversations, but warm replies; Hal a subscriber who only complains;
 * Hub is engaged about crm by fans and posts nothing.
 */
beforeAll(async () => {
  h = await startHarness();
  h.sandbox.seedContacts([
    { email: 'dana@example.com', firstname: 'Dana', lifecyclestage: 'lead' },
    { email: 'ivy@example.com', firstname: 'Ivy', lifecyclestage: 'opportunity' },
    { email: 'jo@example.com', firstname: 'Jo', lifecyclestage: 'lead' },
    { email: 'cara@example.com', firstname: 'Cara', lifecyclestage: 'customer' },
    { email: 'eve@example.com', firstname: 'Eve', lifecyclestage: 'customer' },
    { email: 'hal@example.com', firstname: 'Hal', lifecyclestage: 'subscriber' },
  ]);
  ({ installationId, apiKey } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullJob(h.rt.jobs, installationId, 'p');
  const api = apiClient(h, apiKey);
  const named = (id: string, extra: object = {}) => ({ id, name: id[0]!.toUpperCase() + id.slice(1), ...extra });
  const people = [
    ...['dana', 'ivy', 'jo', 'cara', 'eve', 'hal'].map((id) => named(id, { emails: [`${id}@example.com`] })),
    named('finn'),
    named('gus'),
    named('hub', { audienceSize: 500_000 }),
    ...Array.from({ length: 6 }, (_, i) => named(`fan${i}`)),
  ];
  let e = 0;
  const interaction = (from: string, to: string, kind: string, days: number, extra: object = {}) => ({ externalId: `i${e++}`, from, to, kind, topics: ['crm'], occurredAt: ago(days), ...extra });
  const interactions = [
    ...['dana', 'ivy', 'jo'].flatMap((p) => ['cara', 'eve', 'finn', 'gus', 'hal'].map((v, k) => interaction(p, v, 'reply', 2 + k))),
    interaction('dana', 'eve', 'share', 3),
    ...[1, 2, 3].map((d) => interaction('gus', 'ivy', 'reply', d, { sentiment: 0.6 })),
    ...Array.from({ length: 6 }, (_, i) => interaction(`fan${i}`, 'hub', 'share', 5)),
  ];
  let c = 0;
  const post = (person: string, sentiment: number, topics: string[], days = 4) => ({ externalId: `c${c++}`, person, topics, sentiment, occurredAt: ago(days) });
  const conversations = [
    post('eve', 0.8, ['crm']),
    post('eve', 0.5, ['crm']),
    post('eve', 0.4, ['crm', 'ai']),
    post('eve', -0.6, ['crm']),
    ...Array.from({ length: 6 }, (_, k) => post('finn', 0.7, ['crm'], 1 + k)),
    post('finn', 0.9, ['ai']),
    ...[1, 2, 3].map((d) => post('hal', -0.7, ['crm'], d)),
    post('dana', 0.2, ['crm']),
    post('jo', 0.3, ['ai']),
  ];
  expect((await api('POST', '/api/v1/signals', { people, interactions, conversations })).status).toBe(202);
  expect((await api('PATCH', '/api/v1/settings', { matching: { topK: 8 } })).status).toBe(200);
  await scoreJob(h.rt.jobs, installationId, 's');
});
afterAll(async () => {
  await h.close();
});

interface Stored {
  conversations: number;
  positive: number;
  positiveOn: Map<string, number>;
  stage: string | null;
  authoredSentiment: number | null;
  receivedOn: Set<string>;
}

/** What is stored about a person (by external id), read with SQL, not through Sway's code. */
async function stored(person: string): Promise<Stored> {
  const [p] = await rows<{ id: string }>(h, sql`SELECT id::text FROM people WHERE installation_id = ${installationId} AND external_id = ${person}`);
  const id = Number(p!.id);
  const conv = await rows<{ n: string; pos: string }>(h, sql`SELECT count(*)::text AS n, count(*) FILTER (WHERE sentiment > 0)::text AS pos FROM conversations WHERE person_id = ${id}`);
  const byTopic = await rows<{ topic: string; pos: string }>(h, sql`SELECT t AS topic, count(*)::text AS pos FROM conversations, unnest(topics) t WHERE person_id = ${id} AND sentiment > 0 GROUP BY t`);
  const stage = await rows<{ stage: string }>(h, sql`SELECT r.lifecycle_stage AS stage FROM person_links l JOIN crm_records r ON r.installation_id = l.installation_id AND r.object_type = l.object_type AND r.crm_id = l.crm_id WHERE l.person_id = ${id} AND l.object_type = 'contact'`);
  const authored = await rows<{ s: number | null }>(h, sql`SELECT avg(sentiment)::float8 AS s FROM interactions WHERE from_person_id = ${id}`);
  const received = await rows<{ topic: string }>(h, sql`SELECT DISTINCT unnest(topics) AS topic FROM interactions WHERE to_person_id = ${id}`);
  return {
    conversations: Number(conv[0]!.n),
    positive: Number(conv[0]!.pos),
    positiveOn: new Map(byTopic.map((r) => [r.topic, Number(r.pos)])),
    stage: stage[0]?.stage ?? null,
    authoredSentiment: authored[0]?.s ?? null,
    receivedOn: new Set(received.map((r) => r.topic)),
  };
}

/** Checks each claim a reason makes about its influencer against what is stored; returns the claims checked. */
function checkClaims(reason: string, influencerName: string, s: Stored): string[] {
  const checked: string[] = [];
  const brand = /talks positively about the brand \((\d+) of (\d+) posts positive\)/.exec(reason);
  if (brand) {
    expect([Number(brand[1]), Number(brand[2])], reason).toEqual([s.positive, s.conversations]);
    checked.push('brand talk');
  }
  if (/brand/.test(reason)) expect(s.positive, `${reason}: brand claimed without positive conversations`).toBeGreaterThan(0);
  if (/positive brand sentiment/.test(reason)) throw new Error(`unquantified brand claim: ${reason}`);
  if (/\ba customer\b/.test(reason)) {
    expect(s.stage, reason).toBe('customer');
    checked.push('customer');
  }
  if (/evangelist/.test(reason)) expect(s.stage, reason).toBe('evangelist');
  for (const m of reason.matchAll(/(\d+) (?:positive posts? )?on ([a-z]+)/g)) {
    expect(s.positiveOn.get(m[2]!) ?? 0, `${reason}: ${m[0]}`).toBe(Number(m[1]));
    checked.push('positive posts on topic');
  }
  const tone = /positive in what they post \(mean sentiment ([\d.]+)\)/.exec(reason);
  if (tone) {
    expect(s.conversations, reason).toBe(0);
    expect(s.authoredSentiment, reason).toBeCloseTo(Number(tone[1]), 2);
    checked.push('tone');
  }
  const voice = /a leading voice on ([a-z]+)(?: and ([a-z]+))?/.exec(reason);
  if (voice) {
    for (const t of voice.slice(1).filter(Boolean)) expect(s.receivedOn.has(t!), `${reason}: nobody engaged ${influencerName} about ${t}`).toBe(true);
    checked.push('leading voice');
  }
  return checked;
}

describe('reasons name only evidence that exists', () => {
  it('each claim of each stored reason matches the stored conversations, interactions and CRM stages', async () => {
    const run = await fullMatchRun(h.rt.store.db, installationId);
    expect(run.matchesWritten).toBeGreaterThan(10);
    const matches = await allMatches(h.rt.store.db, installationId);
    const cache = new Map<string, Stored>();
    const claims = new Set<string>();
    for (const m of matches) {
      const who = String(m.influencer_id);
      if (!cache.has(who)) cache.set(who, await stored(who));
      for (const c of checkClaims(String(m.reason), String(m.influencer_name), cache.get(who)!)) claims.add(c);
    }
    // The fixture exercises the claims that carry evidence, not only their absence.
    expect([...claims].sort()).toEqual(expect.arrayContaining(['brand talk', 'customer', 'positive posts on topic']));
    // Cara, a customer who never posted, is never said to talk about the brand.
    const cara = matches.filter((m) => m.influencer_id === 'cara').map((m) => String(m.reason));
    expect(cara.length).toBeGreaterThan(0);
    for (const r of cara) expect(r).not.toMatch(/brand|posts? on|sentiment/);
  });

  it('the score job reads conversations: brand sentiment and the advocate flag come from them', async () => {
    const metrics = await rows<{ external_id: string; m: { brandSentiment: number | null; advocate: boolean } }>(
      h,
      sql`SELECT external_id, metrics AS m FROM people WHERE installation_id = ${installationId} AND external_id IN ('finn', 'cara', 'hal', 'eve')`,
    );
    const by = new Map(metrics.map((r) => [r.external_id, r.m]));
    expect(by.get('finn')!.brandSentiment).toBeCloseTo((0.7 * 6 + 0.9) / 7, 5);
    expect(by.get('finn')!.advocate).toBe(true);
    expect(by.get('eve')!.brandSentiment).toBeCloseTo((0.8 + 0.5 + 0.4 - 0.6) / 4, 5);
    expect(by.get('hal')!.advocate).toBe(false);
    expect(by.get('cara')!.brandSentiment).toBeNull();
  });
});
