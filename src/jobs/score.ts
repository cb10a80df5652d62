/**
 * score: computes each person's metrics (influence score and the catalogue's conversation
 * fields) from the store, relinks people to CRM records (manual and merge links kept, then
 * email, then handle: src/domain/link-rules.ts), then queues the next stage (src/jobs/pipeline.ts: match, which queues the push). Linking conflicts are kept in
 * the run's errors, one per conflict. Whole-installation and idempotent: running it twice
 * gives the same rows.
 */
import type { InteractionKind } from '../domain/signals.ts';
import { percentileRanks } from '../influence/percentile.ts';
import { influenceScore, isAdvocate, meanSentiment, topTopics, type PersonAggregate } from '../influence/score.ts';
import { relink } from '../store/crm-records.ts';
import { conversationsForScoring, type ConversationSummary } from '../store/graph-load.ts';
import { interactionsForScoring, peopleForScoring, saveMetrics } from '../store/people.ts';
import type { PersonMetrics } from '../store/schema.ts';
import type { JobContext } from './context.ts';
import { queueNextStage } from './pipeline.ts';
import { recordRun } from './run.ts';

const DAY_MS = 24 * 3600 * 1000;

export async function scoreJob(ctx: JobContext, installationId: string, jobId: string, now = new Date()): Promise<void> {
  await recordRun(ctx, 'score', installationId, jobId, async () => {
    const [persons, edges, conversations] = await Promise.all([
      peopleForScoring(ctx.db, installationId),
      interactionsForScoring(ctx.db, installationId),
      conversationsForScoring(ctx.db, installationId, now),
    ]);
    const metrics = computeMetrics(persons, edges, now, conversations);
    await saveMetrics(ctx.db, installationId, metrics);
    const { links, conflicts } = await relink(ctx.db, installationId);
    return {
      counts: { people: persons.length, interactions: edges.length, conversations: [...conversations.values()].reduce((n, c) => n + c.count, 0), linked: links, conflicts: conflicts.length },
      errors: conflicts.map((c) => ({ recordId: c.records[0]?.crmId, message: `identity conflict (${c.kind}): ${c.message}` })),
    };
  });
  await queueNextStage(ctx.queues, 'score', installationId, jobId);
}

interface PersonRow {
  id: number;
  audienceSize: number | null;
  topics: string[];
  providerScores: { provider?: string; score: number; min: number; max: number }[];
}
interface EdgeRow {
  from: number;
  to: number;
  kind: string;
  topics: string[];
  sentiment: number | null;
  occurredAt: Date;
}

/**
 * Pure: per-person metrics from people, their interactions and their brand conversations
 * (exported for tests). Conversations are what a person says about the brand, so when a person
 * has any they decide brand sentiment, the advocate flag (at least 3 of them, mean ≥ 0.3) and
 * count toward topics, conversations in the last 30 days and the last conversation; a person
 * with none is judged, as before, by the sentiment of the interactions they authored (issue 11:
 * conversations used to be stored and never read).
 */
export function computeMetrics(persons: PersonRow[], edges: EdgeRow[], now: Date, conversations: ReadonlyMap<number, ConversationSummary> = new Map()): Map<number, PersonMetrics> {
  const acc = new Map<number, { inbound: PersonAggregate['inbound']; authored: (number | null)[]; topics: string[][]; recent: number; last: number }>();
  const get = (id: number) => {
    let a = acc.get(id);
    if (!a) acc.set(id, (a = { inbound: [], authored: [], topics: [], recent: 0, last: 0 }));
    return a;
  };
  const since = now.getTime() - 30 * DAY_MS;
  for (const e of edges) {
    const t = e.occurredAt.getTime();
    const to = get(e.to);
    to.inbound.push({ kind: e.kind as InteractionKind, occurredAt: e.occurredAt, sentiment: e.sentiment });
    const from = get(e.from);
    from.authored.push(e.sentiment);
    for (const a of e.from === e.to ? [from] : [from, to]) {
      a.topics.push(e.topics);
      if (t >= since) a.recent++;
      if (t > a.last) a.last = t;
    }
  }
  // Provider scores count as their percentile among this installation's people (README).
  const rank = percentileRanks(persons.flatMap((p) => p.providerScores.map((s) => ({ provider: s.provider ?? '', score: s.score }))));
  const out = new Map<number, PersonMetrics>();
  for (const p of persons) {
    const providerScores = p.providerScores.map((s) => ({ score: rank(s.provider ?? '', s.score), min: 0, max: 100 }));
    const a = get(p.id);
    const c = conversations.get(p.id);
    const said = c && c.count > 0;
    const sentiment = said ? (c.sentimentCount > 0 ? c.sentimentSum / c.sentimentCount : null) : meanSentiment(a.authored);
    const last = Math.max(a.last, c?.lastAt ?? 0);
    out.set(p.id, {
      influenceScore: influenceScore({ audienceSize: p.audienceSize, providerScores, inbound: a.inbound }, now),
      // A conversation's topics count once per conversation, like an interaction's.
      topTopics: topTopics([p.topics, ...a.topics], 3, c?.topics),
      brandSentiment: sentiment,
      conversations30d: a.recent + (c?.recent ?? 0),
      lastConversationAt: last ? new Date(last).toISOString() : null,
      advocate: isAdvocate(said ? c.count : a.authored.length, sentiment),
    });
  }
  return out;
}
