/**
 * One match run, outside any queue (the match job, `sway match` and bench:match call these):
 *
 * full         read people, prospects and every interaction into typed arrays, rank topical
 *              authority (topic-sensitive PageRank), save the snapshot of per-influencer
 *              signals, then score the prospects — all of them here, or a share of them per
 *              partition job (scoreProspects) when the recompute is split across workers.
 * incremental  with the last snapshot, score only prospects whose inputs changed since it:
 *              new interactions touching them, a changed CRM record (stage, attributes) or a
 *              new link. Only their part of the graph is read.
 * Either way the scored prospects' matches are replaced in one transaction; running a run twice
 * writes the same rows.
 *
 * Global signals (authority, reach, advocacy, leaders) move only with full runs, which the
 * match job schedules (MATCH_FULL_EVERY_HOURS, or when the installation has grown by more than
 * a tenth since the snapshot); people new since the snapshot take part through their ties,
 * with no authority or reach until then.
 */
import { mapStage, withDefaultStages, type CanonicalStage } from '../domain/stages.ts';
import { buildGraph, EdgeColumns, TopicDictionary, type InteractionGraph } from '../influence/graph.ts';
import { topicAuthority } from '../influence/pagerank.ts';
import { reasonFor, type SaidSummary } from '../matching/reason.ts';
import { closestContacts, matchProspect, Scratch, type Match, type Prospect } from '../matching/score.ts';
import { buildEvidence, type ConversationEvidence } from '../matching/evidence.ts';
import { buildGlobalSignals, Codes, withConversationLevels, type GlobalSignals, type PeopleColumns } from '../matching/signals.ts';
import { decodeSnapshot, encodeSnapshot, withExtraPeople } from '../matching/snapshot.ts';
import { IdIndex } from '../matching/id-index.ts';
import { COMPONENTS, resolveStageWeights, type StageWeights } from '../matching/weights.ts';
import type { Db } from '../store/db.ts';
import { countProspects, loadConversationAggregates, loadInteractions, loadLinkedContacts, loadPeople, peopleAfter, peopleWithNewInteractions, personNames, TopicCombos, type LinkedContactRow } from '../store/graph-load.ts';
import { getInstallation } from '../store/installations.ts';
import { loadSnapshot, replaceMatches, saveSnapshot, snapshotTime, type MatchRow } from '../store/matches.ts';
import { connectorFor, settingsOf } from '../sync/installation-settings.ts';
import { learnedOutcomes } from './learned-outcomes.ts';

export interface MatchRunResult {
  mode: 'full' | 'incremental' | 'partition';
  people: number;
  interactions: number;
  prospects: number;
  /** Prospects scored (incremental: the changed ones). */
  scored: number;
  matchesWritten: number;
  /** Incremental: prospects whose inputs changed. */
  dirty?: number;
  kernelEdgesPerSecond: number | null;
  /** Seconds per phase. */
  timings: Record<string, number>;
}

export interface MatchRunOptions {
  now?: Date;
  /** Full runs: score in this process (default) or leave scoring to partition jobs. */
  scoreHere?: boolean;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** bench:match: the graph a full run built, to measure against a plain PageRank loop. */
  onGraph?: (graph: InteractionGraph, personTopics: Uint32Array, topicCount: number) => void;
}

interface RunSettings {
  stageMap: Readonly<Record<string, CanonicalStage>>;
  weights: StageWeights;
  halfLifeDays: number;
  topK: number;
}

async function runSettings(db: Db, installationId: string): Promise<RunSettings> {
  const inst = await getInstallation(db, installationId);
  if (!inst) throw new Error(`no installation ${installationId}`);
  const s = settingsOf(inst);
  return { stageMap: withDefaultStages({ ...s.stageMap, ...s.stageOverrides }, connectorFor(inst.crm).stages.defaults), weights: resolveStageWeights(s.matching.stageWeights), halfLifeDays: s.matching.halfLifeDays, topK: s.matching.topK };
}

const timer = () => {
  let t = performance.now();
  const out: Record<string, number> = {};
  return {
    lap(name: string) {
      const now = performance.now();
      out[name] = Math.round(now - t) / 1000;
      t = now;
    },
    out,
  };
};

/** One contact per person (the first by CRM id): the prospect's stage and attributes. */
function prospectContacts(rows: readonly LinkedContactRow[]): Map<number, LinkedContactRow> {
  const out = new Map<number, LinkedContactRow>();
  for (const r of rows) if (!out.has(r.personId)) out.set(r.personId, r);
  return out;
}

export async function fullMatchRun(db: Db, installationId: string, options: MatchRunOptions = {}): Promise<MatchRunResult> {
  const now = options.now ?? new Date();
  const t = timer();
  const settings = await runSettings(db, installationId);
  const contacts = prospectContacts(await loadLinkedContacts(db, installationId));
  const codes = { industry: new Codes(), region: new Codes(), companySize: new Codes() };

  // People, in id order: the dense index.
  const rows: { id: number; audience: number; topics: string[]; industry: string | null; region: string | null; companySize: string | null; sentiment: number; advocate: boolean }[] = [];
  await loadPeople(db, installationId, (p) => rows.push(p));
  const n = rows.length;
  const index = new IdIndex(rows.map((p) => p.id));
  t.lap('people');
  options.onProgress?.('people', n, n);

  // Conversations are summed in PostgreSQL while the interactions stream in.
  const saying = loadConversationAggregates(db, installationId, now, settings.halfLifeDays);
  saying.catch(() => {}); // awaited below; a failure there is the run's
  const cols = new EdgeColumns();
  const combos = new TopicCombos();
  await loadInteractions(db, installationId, cols, (id) => index.get(id), combos, now);
  const frequencies = combos.frequencies();
  for (const p of rows) for (const topic of p.topics) frequencies.set(topic, (frequencies.get(topic) ?? 0) + 1);
  t.lap('interactions');
  const said = await saying;
  for (const a of said.byTopic) frequencies.set(a.topic!, (frequencies.get(a.topic!) ?? 0) + a.count);
  const dict = new TopicDictionary(frequencies);
  combos.finishTopics(cols, dict);
  const evidence = toEvidence(n, said, dict, (id) => index.get(id));
  t.lap('conversations');
  options.onProgress?.('interactions', cols.count, cols.count);

  const people = peopleColumns(rows, contacts, codes, dict, settings.stageMap);
  rows.length = 0;
  const graph = buildGraph(n, cols, settings.halfLifeDays);
  t.lap('graph');
  const authority = topicAuthority(graph, dict.names.length, people.topics);
  const signals = buildGlobalSignals(people, dict.names, authority.levels, codes, { evidence, graph });
  t.lap('rank');
  const snapshot = { data: encodeSnapshot(signals), computedAt: now };
  // Scored here: the snapshot is saved with the matches, in their transaction (replaceMatches).
  // Left to partitions: they read it, so it is saved now (matchJob reruns full if this job dies before its flow exists).
  if (options.scoreHere === false) await saveSnapshot(db, installationId, snapshot.data, now);
  t.lap('snapshot');
  options.onGraph?.(graph, people.topics, dict.names.length);

  const kernelEdgesPerSecond = authority.kernelSeconds > 0 ? Math.round(authority.edgeVisits / authority.kernelSeconds) : null;
  const base = { people: n, interactions: cols.count, prospects: contacts.size, kernelEdgesPerSecond };
  if (options.scoreHere === false) return { mode: 'full', ...base, scored: 0, matchesWritten: 0, timings: t.out };

  const prospects = toProspects(contacts, signals, (id) => index.get(id), settings.stageMap, people.topics);
  // Reasons quote what influencers said: a full run has everyone's aggregates already.
  const everyone = summariesOf(said, signals);
  const written = await scoreAndWrite(db, installationId, 'all', prospects, graph, signals, settings, now, t, options.onProgress, everyone, snapshot);
  return { mode: 'full', ...base, scored: prospects.length, matchesWritten: written, timings: t.out };
}

/**
 * Scores some prospects with the last snapshot: the changed ones (incremental) or a partition's
 * person-id range. Returns null when there is no snapshot yet (a full run must come first).
 */
export async function scoreProspects(
  db: Db,
  installationId: string,
  select: { changed: true } | { range: [number, number] },
  options: MatchRunOptions = {},
): Promise<MatchRunResult | null> {
  const now = options.now ?? new Date();
  const t = timer();
  const computedAt = await snapshotTime(db, installationId);
  if (!computedAt) return null;
  // The snapshot's 48 MB stream in while PostgreSQL finds the changed prospects on other connections.
  const choose = async (): Promise<LinkedContactRow[]> => {
    if ('range' in select) return [...prospectContacts(await loadLinkedContacts(db, installationId, { range: select.range })).values()];
    const touched = await peopleWithNewInteractions(db, installationId, computedAt);
    return [...prospectContacts(await loadLinkedContacts(db, installationId, { changedSince: computedAt, touched })).values()];
  };
  const [snapshot, settings, chosen, prospectCount] = await Promise.all([
    loadSnapshot(db, installationId),
    runSettings(db, installationId),
    choose(),
    countProspects(db, installationId),
  ]);
  if (!snapshot) return null;
  let signals = decodeSnapshot(snapshot.data);
  const dirty = 'changed' in select ? chosen.length : undefined;
  t.lap('select');

  const index = new IdIndex(signals.ids);
  let maxId = 0;
  for (let i = 0; i < signals.n; i++) if (signals.ids[i]! > maxId) maxId = signals.ids[i]!;
  // People new since the snapshot — chosen prospects, and anyone they now interact with — get
  // an index (with no global signals until the next full run), so ties to them still count.
  const extra = [...new Set([...chosen.map((c) => c.personId), ...(await peopleAfter(db, installationId, maxId))])].filter((id) => !index.has(id));
  signals = withExtraPeople(signals, extra);
  extra.forEach((id, k) => index.set(id, signals.n - extra.length + k));
  const indexOf = (id: number) => index.get(id);
  t.lap('index');

  // The chosen prospects' declared topics (their CRM attributes are in `chosen`).
  const dict = new TopicDictionary(new Map(signals.topics.map((name, i) => [name, signals.topics.length - i])));
  const declared = new Uint32Array(signals.n);
  await loadPeople(db, installationId, (p) => {
    const i = indexOf(p.id);
    if (i >= 0) declared[i] = dict.mask(p.topics);
  }, chosen.map((c) => c.personId));

  // Their own conversations since the snapshot decide their topic mix now (the levels of
  // everyone else move with full runs, like authority).
  const mine = toEvidence(signals.n, await loadConversationAggregates(db, installationId, now, settings.halfLifeDays, chosen.map((c) => c.personId)), dict, indexOf);
  signals = withConversationLevels(signals, mine, chosen.map((c) => indexOf(c.personId)));
  t.lap('people');
  // Their edges, then the out-edges of their closest contacts (two-hop), exactly what scoring reads.
  const cols = new EdgeColumns();
  const combos = new TopicCombos();
  const ids = chosen.map((c) => c.personId);
  await loadInteractions(db, installationId, cols, indexOf, combos, now, { touching: ids });
  combos.finishTopics(cols, dict);
  let graph = buildGraph(signals.n, cols, settings.halfLifeDays);
  const scratch = new Scratch(signals.n);
  const chosenSet = new Set(ids);
  t.lap('edges');
  const via = new Set<number>();
  for (const c of chosen) for (const j of closestContacts(indexOf(c.personId), graph, scratch)) if (!chosenSet.has(signals.ids[j]!)) via.add(signals.ids[j]!);
  if (via.size > 0) {
    const more = new TopicCombos();
    const start = cols.count;
    await loadInteractions(db, installationId, cols, indexOf, more, now, { from: via, notTo: ids });
    const masks = Uint32Array.from(more.lists, (l) => dict.mask(l));
    for (let e = start; e < cols.count; e++) cols.topics[e] = masks[cols.topics[e]!]!;
    graph = buildGraph(signals.n, cols, settings.halfLifeDays);
  }
  t.lap('twoHop');

  const prospects = toProspects(new Map(chosen.map((c) => [c.personId, c])), signals, indexOf, settings.stageMap, declared);
  const written = await scoreAndWrite(db, installationId, ids, prospects, graph, signals, settings, now, t, options.onProgress);
  return {
    mode: 'changed' in select ? 'incremental' : 'partition',
    people: signals.n,
    interactions: cols.count,
    prospects: prospectCount,
    scored: prospects.length,
    matchesWritten: written,
    ...(dirty !== undefined ? { dirty } : {}),
    kernelEdgesPerSecond: null,
    timings: t.out,
  };
}

/** Aggregates keyed by person id and topic name → the engine's evidence by dense index and topic bit. */
function toEvidence(n: number, said: Awaited<ReturnType<typeof loadConversationAggregates>>, dict: TopicDictionary, indexOf: (id: number) => number): ConversationEvidence {
  const row = (a: (typeof said.byTopic)[number], topic: number) => ({ ...a, person: indexOf(a.personId), topic });
  return buildEvidence(
    n,
    said.byTopic.map((a) => row(a, dict.bit(a.topic!))).filter((r) => r.person >= 0 && r.topic >= 0),
    said.totals.map((a) => row(a, -1)).filter((r) => r.person >= 0),
  );
}

function peopleColumns(
  rows: { audience: number; topics: string[]; industry: string | null; region: string | null; companySize: string | null; sentiment: number; advocate: boolean; id: number }[],
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

function toProspects(
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

const NAME_BATCH = 50_000;
/** Prospects scored between two turns of the event loop (~10–50 ms of work). */
const YIELD_EVERY = 500;

async function scoreAndWrite(
  db: Db,
  installationId: string,
  scope: 'all' | number[],
  prospects: Prospect[],
  graph: InteractionGraph,
  signals: GlobalSignals,
  settings: RunSettings,
  now: Date,
  t: ReturnType<typeof timer>,
  onProgress?: MatchRunOptions['onProgress'],
  saidByPerson?: Map<number, SaidSummary>,
  snapshot?: { data: Buffer; computedAt: Date },
): Promise<number> {
  const scratch = new Scratch(graph.n);
  const results: Match[][] = new Array(prospects.length);
  // Learned effectiveness from measured campaigns (learned-outcomes.ts); none measured: neutral.
  const outcomes = await learnedOutcomes(db, installationId, signals.ids);
  for (let k = 0; k < prospects.length; k++) {
    results[k] = matchProspect(prospects[k]!, graph, signals, scratch, { weights: settings.weights, topK: settings.topK, ...(outcomes ? { outcomes } : {}) });
    if (k % 10_000 === 0) onProgress?.('score', k, prospects.length);
    // Let the worker renew its job lock (BullMQ, 30 s) on a loaded machine: a full run of
    // thousands of prospects is otherwise one synchronous stretch, and a lost lock runs the job twice.
    if (k % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setImmediate(r));
  }
  onProgress?.('score', prospects.length, prospects.length);
  t.lap('score');

  // Names for reasons: the prospects and their influencers.
  const wanted = new Set<number>();
  prospects.forEach((p, k) => {
    wanted.add(signals.ids[p.index]!);
    for (const m of results[k]!) wanted.add(signals.ids[m.influencer]!);
  });
  const names = new Map<number, { name: string; audience: number | null }>();
  const all = [...wanted];
  for (let i = 0; i < all.length; i += NAME_BATCH) for (const [id, v] of await personNames(db, installationId, all.slice(i, i + NAME_BATCH))) names.set(id, v);
  // What the influencers said, for reasons that quote it (only what is stored).
  const influencerIds = new Set<number>();
  for (const r of results) for (const m of r) influencerIds.add(signals.ids[m.influencer]!);
  const said = saidByPerson ?? (await saidSummaries(db, installationId, [...influencerIds], signals, settings.halfLifeDays, now));
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
  t.lap('reasons');
  await replaceMatches(db, installationId, scope, rows, now, snapshot);
  t.lap('write');
  return rows.length;
}

/** Person id → their conversations (totals and per topic bit of the signals' dictionary), for reasons. */
function summariesOf(aggregates: Awaited<ReturnType<typeof loadConversationAggregates>>, signals: GlobalSignals, into = new Map<number, SaidSummary>()): Map<number, SaidSummary> {
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

/** The same for some people (incremental runs and partitions, which load no one else's). */
async function saidSummaries(db: Db, installationId: string, ids: number[], signals: GlobalSignals, halfLifeDays: number, now: Date): Promise<Map<number, SaidSummary>> {
  const out = new Map<number, SaidSummary>();
  for (let i = 0; i < ids.length; i += NAME_BATCH) summariesOf(await loadConversationAggregates(db, installationId, now, halfLifeDays, ids.slice(i, i + NAME_BATCH)), signals, out);
  return out;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
