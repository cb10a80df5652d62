/**
 * Pure adapters for src/jobs/match-run.ts: store rows (src/store/graph-load.ts) into the
 * engine's inputs (people columns, prospects, conversation evidence) and matches into stored
 * rows. They sit by the job rather than in src/matching because they read the store's row
 * types, which the engine itself never imports.
 */
import { mapStage, type CanonicalStage } from '../domain/stages.ts';
import type { InteractionGraph, TopicDictionary } from '../influence/graph.ts';
import { buildEvidence, type ConversationEvidence } from '../matching/evidence.ts';
import { reasonFor, type SaidSummary } from '../matching/reason.ts';
import type { Match, Prospect } from '../matching/score.ts';
import type { GlobalSignals, PeopleColumns } from '../matching/signals.ts';
import { COMPONENTS } from '../matching/weights.ts';
import type { loadConversationAggregates, LinkedContactRow, PersonRow } from '../store/graph-load.ts';
import type { MatchRow } from '../store/matches.ts';

export type ConversationAggregates = Awaited<ReturnType<typeof loadConversationAggregates>>;

/** One contact per person (the first by CRM id): the prospect's stage and attributes. */
export function prospectContacts(rows: readonly LinkedContactRow[]): Map<number, LinkedContactRow> {
  const out = new Map<number, LinkedContactRow>();
  for (const r of rows) if (!out.has(r.personId)) out.set(r.personId, r);
  return out;
}

/** Aggregates keyed by person id and topic name → the engine's evidence by dense index and topic bit. */
export function toEvidence(n: number, said: ConversationAggregates, dict: TopicDictionary, indexOf: (id: number) => number): ConversationEvidence {
  const row = (a: (typeof said.byTopic)[number], topic: number) => ({ ...a, person: indexOf(a.personId), topic });
  return buildEvidence(
    n,
    said.byTopic.map((a) => row(a, dict.bit(a.topic!))).filter((r) => r.person >= 0 && r.topic >= 0),
    said.totals.map((a) => row(a, -1)).filter((r) => r.person >= 0),
  );
}

export function peopleColumns(
  rows: readonly PersonRow[],
  contacts: Map<number, LinkedContactRow>,
  codes: GlobalSignals['codes'],
  dict: TopicDictionary,
  stageMap: Readonly<Record<string, CanonicalStage>>,
): PeopleColumns {
  const n = rows.length;
  const cols: PeopleColumns = {
    n,
    ids: new Float64Array(n),
    audience: new Float64Array(n),
    industry: new Int32Array(n),
    region: new Int32Array(n),
    companySize: new Int32Array(n),
    topics: new Uint32Array(n),
    customer: new Uint8Array(n),
    sentiment: new Float32Array(n),
    advocateFlag: new Uint8Array(n),
  };
  rows.forEach((p, i) => {
    const c = contacts.get(p.id);
    cols.ids[i] = p.id;
    cols.audience[i] = p.audience;
    // A linked CRM record's attributes win: the CRM is the system of record for the company.
    cols.industry[i] = codes.industry.code(c?.industry ?? p.industry);
    cols.region[i] = codes.region.code(c?.region ?? p.region);
    cols.companySize[i] = codes.companySize.code(c?.companySize ?? p.companySize);
    cols.topics[i] = dict.mask(p.topics);
    const stage = c ? mapStage(c.lifecycleStage, stageMap) : 'unknown';
    cols.customer[i] = stage === 'advocacy' ? 2 : stage === 'purchase' || c?.won ? 1 : 0;
    cols.sentiment[i] = p.sentiment;
    cols.advocateFlag[i] = p.advocate ? 1 : 0;
  });
  return cols;
}

export function toProspects(
  contacts: Map<number, LinkedContactRow>,
  g: GlobalSignals,
  indexOf: (id: number) => number,
  stageMap: Readonly<Record<string, CanonicalStage>>,
  declaredTopics: Uint32Array,
): Prospect[] {
  const out: Prospect[] = [];
  for (const c of contacts.values()) {
    const index = indexOf(c.personId);
    if (index < 0) continue;
    out.push({
      index,
      stage: mapStage(c.lifecycleStage, stageMap),
      industry: g.codes.industry.lookup(c.industry),
      region: g.codes.region.lookup(c.region),
      companySize: g.codes.companySize.lookup(c.companySize),
      topics: declaredTopics[index] ?? 0,
    });
  }
  return out;
}

/** Person id → their conversations (totals and per topic bit of the signals' dictionary), for reasons. */
export function summariesOf(aggregates: ConversationAggregates, signals: GlobalSignals, into = new Map<number, SaidSummary>()): Map<number, SaidSummary> {
  const bits = new Map(signals.topics.map((name, bit) => [name, bit]));
  for (const a of aggregates.totals) {
    into.set(a.personId, { count: a.count, positiveCount: a.positiveCount, sentiment: a.sentimentCount > 0 ? a.sentimentSum / a.sentimentCount : Number.NaN, byTopic: new Map() });
  }
  for (const a of aggregates.byTopic) {
    const bit = bits.get(a.topic!);
    if (bit !== undefined) into.get(a.personId)?.byTopic.set(bit, { count: a.count, positiveCount: a.positiveCount });
  }
  return into;
}

/** The stored rows of the scored prospects' matches, with their reasons, in prospect then rank order. */
export function matchRows(
  prospects: readonly Prospect[],
  results: readonly Match[][],
  names: ReadonlyMap<number, { name: string; audience: number | null }>,
  said: ReadonlyMap<number, SaidSummary>,
  graph: InteractionGraph,
  signals: GlobalSignals,
): MatchRow[] {
  const rows: MatchRow[] = [];
  prospects.forEach((p, k) => {
    const personId = signals.ids[p.index]!;
    const prospectName = names.get(personId)?.name ?? String(personId);
    results[k]!.forEach((m, rank) => {
      const influencerId = signals.ids[m.influencer]!;
      const who = names.get(influencerId);
      const components: MatchRow['components'] = {};
      for (const c of COMPONENTS) components[c] = { value: round(m.values[c]), contribution: round(m.contributions[c]) };
      rows.push({
        personId,
        rank: rank + 1,
        influencerId,
        stage: p.stage,
        score: round(m.score),
        components,
        reason: reasonFor(p, m, { graph, signals, prospectName, influencerName: who?.name ?? String(influencerId), audience: who?.audience, said: said.get(influencerId) ?? null }),
      });
    });
  });
  return rows;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
