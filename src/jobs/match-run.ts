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
import type { CanonicalStage } from '../domain/stages.ts';
import { buildGraph, EdgeColumns, TopicDictionary, type InteractionGraph } from '../influence/graph.ts';
import { topicAuthority } from '../influence/pagerank.ts';
import { closestContacts, Scratch } from '../matching/score.ts';
import { buildGlobalSignals, Codes, withConversationLevels, type GlobalSignals } from '../matching/signals.ts';
import { decodeSnapshot, encodeSnapshot, withExtraPeople } from '../matching/snapshot.ts';
import { IdIndex } from '../matching/id-index.ts';
import { resolveStageWeights, type StageWeights } from '../matching/weights.ts';
import type { Db } from '../store/db.ts';
import { countProspects, loadConversationAggregates, loadInteractions, loadLinkedContacts, loadPeople, peopleAfter, peopleWithNewInteractions, TopicCombos, type LinkedContactRow, type PersonRow } from '../store/graph-load.ts';
import { getInstallation } from '../store/installations.ts';
import { loadSnapshot, saveSnapshot, snapshotTime } from '../store/matches.ts';
import { settingsOf, stageMapOf } from '../sync/installation-settings.ts';
import { peopleColumns, prospectContacts, summariesOf, toEvidence, toProspects } from './match-run-inputs.ts';
import { scoreAndWrite } from './match-score-write.ts';

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

export interface RunSettings {
  stageMap: Readonly<Record<string, CanonicalStage>>;
  weights: StageWeights;
  halfLifeDays: number;
  topK: number;
}

async function runSettings(db: Db, installationId: string): Promise<RunSettings> {
  const inst = await getInstallation(db, installationId);
  if (!inst) throw new Error(`no installation ${installationId}`);
  const s = settingsOf(inst);
  return { stageMap: stageMapOf(inst, s), weights: resolveStageWeights(s.matching.stageWeights), halfLifeDays: s.matching.halfLifeDays, topK: s.matching.topK };
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

export type Timer = ReturnType<typeof timer>;

export async function fullMatchRun(db: Db, installationId: string, options: MatchRunOptions = {}): Promise<MatchRunResult> {
  const now = options.now ?? new Date();
  const t = timer();
  const settings = await runSettings(db, installationId);
  const contacts = prospectContacts(await loadLinkedContacts(db, installationId));

  // People, in id order: the dense index.
  const rows: PersonRow[] = [];
  await loadPeople(db, installationId, (p) => rows.push(p));
  const n = rows.length;
  const index = new IdIndex(rows.map((p) => p.id));
  t.lap('people');
  options.onProgress?.('people', n, n);

  const { cols, dict, said, evidence } = await loadEveryInteraction(db, installationId, rows, index, settings.halfLifeDays, now, t);
  options.onProgress?.('interactions', cols.count, cols.count);
  const { graph, signals, personTopics, kernelEdgesPerSecond } = rankEveryone(rows, contacts, cols, dict, evidence, settings, t);

  const snapshot = { data: encodeSnapshot(signals), computedAt: now };
  // Scored here: the snapshot is saved with the matches, in their transaction (replaceMatches in src/store/matches.ts).
  // Left to partitions: they read it, so it is saved now (matchJob reruns full if this job dies before its flow exists).
  if (options.scoreHere === false) await saveSnapshot(db, installationId, snapshot.data, now);
  t.lap('snapshot');
  options.onGraph?.(graph, personTopics, dict.names.length);

  const base = { people: n, interactions: cols.count, prospects: contacts.size, kernelEdgesPerSecond };
  if (options.scoreHere === false) return { mode: 'full', ...base, scored: 0, matchesWritten: 0, timings: t.out };

  const prospects = toProspects(contacts, signals, (id) => index.get(id), settings.stageMap, personTopics);
  // Reasons quote what influencers said: a full run has everyone's aggregates already.
  const everyone = summariesOf(said, signals);
  const written = await scoreAndWrite(db, installationId, 'all', prospects, graph, signals, settings, now, t, options.onProgress, everyone, snapshot);
  return { mode: 'full', ...base, scored: prospects.length, matchesWritten: written, timings: t.out };
}

/**
 * Full runs: every interaction into edge columns and everyone's conversation aggregates, and
 * the topic dictionary, whose bits go to the most frequent topics (people's, interactions' and
 * conversations' mentions together).
 */
async function loadEveryInteraction(db: Db, installationId: string, rows: readonly PersonRow[], index: IdIndex, halfLifeDays: number, now: Date, t: Timer) {
  // Conversations are summed in PostgreSQL while the interactions stream in.
  const saying = loadConversationAggregates(db, installationId, now, halfLifeDays);
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
  const evidence = toEvidence(rows.length, said, dict, (id) => index.get(id));
  t.lap('conversations');
  return { cols, dict, said, evidence };
}

/**
 * Full runs: the graph, topical authority and the global signals the snapshot keeps. Empties
 * `rows` once they are columns, so the row objects are freed before the graph is built.
 */
function rankEveryone(rows: PersonRow[], contacts: Map<number, LinkedContactRow>, cols: EdgeColumns, dict: TopicDictionary, evidence: ReturnType<typeof toEvidence>, settings: RunSettings, t: Timer) {
  const n = rows.length;
  const codes = { industry: new Codes(), region: new Codes(), companySize: new Codes() };
  const people = peopleColumns(rows, contacts, codes, dict, settings.stageMap);
  rows.length = 0;
  const graph = buildGraph(n, cols, settings.halfLifeDays);
  t.lap('graph');
  const authority = topicAuthority(graph, dict.names.length, people.topics);
  const signals = buildGlobalSignals(people, dict.names, authority.levels, codes, { evidence, graph });
  t.lap('rank');
  const kernelEdgesPerSecond = authority.kernelSeconds > 0 ? Math.round(authority.edgeVisits / authority.kernelSeconds) : null;
  return { graph, signals, personTopics: people.topics, kernelEdgesPerSecond };
}

type Selection = { changed: true } | { range: [number, number] };

/**
 * Scores some prospects with the last snapshot: the changed ones (incremental) or a partition's
 * person-id range. Returns null when there is no snapshot yet (a full run must come first).
 */
export async function scoreProspects(db: Db, installationId: string, select: Selection, options: MatchRunOptions = {}): Promise<MatchRunResult | null> {
  const now = options.now ?? new Date();
  const t = timer();
  const computedAt = await snapshotTime(db, installationId);
  if (!computedAt) return null;
  // The snapshot's 48 MB stream in while PostgreSQL finds the changed prospects on other connections.
  const [snapshot, settings, chosen, prospectCount] = await Promise.all([
    loadSnapshot(db, installationId),
    runSettings(db, installationId),
    chooseProspects(db, installationId, select, computedAt),
    countProspects(db, installationId),
  ]);
  if (!snapshot) return null;
  const decoded = decodeSnapshot(snapshot.data);
  const dirty = 'changed' in select ? chosen.length : undefined;
  t.lap('select');

  const indexed = await indexWithNewPeople(db, installationId, decoded, chosen);
  const indexOf = (id: number) => indexed.index.get(id);
  t.lap('index');
  const { signals, dict, declared } = await chosenPeopleNow(db, installationId, indexed.signals, chosen, indexOf, settings.halfLifeDays, now);
  t.lap('people');
  const ids = chosen.map((c) => c.personId);
  const { graph, interactions } = await loadNeighbourhood(db, installationId, ids, signals, indexOf, dict, settings.halfLifeDays, now, t);

  const prospects = toProspects(new Map(chosen.map((c) => [c.personId, c])), signals, indexOf, settings.stageMap, declared);
  const written = await scoreAndWrite(db, installationId, ids, prospects, graph, signals, settings, now, t, options.onProgress);
  return {
    mode: 'changed' in select ? 'incremental' : 'partition',
    people: signals.n,
    interactions,
    prospects: prospectCount,
    scored: prospects.length,
    matchesWritten: written,
    ...(dirty !== undefined ? { dirty } : {}),
    kernelEdgesPerSecond: null,
    timings: t.out,
  };
}

/** The prospects to score: a partition's id range, or those whose inputs changed since the snapshot. */
async function chooseProspects(db: Db, installationId: string, select: Selection, computedAt: Date): Promise<LinkedContactRow[]> {
  if ('range' in select) return [...prospectContacts(await loadLinkedContacts(db, installationId, { range: select.range })).values()];
  const touched = await peopleWithNewInteractions(db, installationId, computedAt);
  return [...prospectContacts(await loadLinkedContacts(db, installationId, { changedSince: computedAt, touched })).values()];
}

/**
 * The snapshot's dense index, extended: people new since the snapshot — chosen prospects, and
 * anyone they now interact with — get an index (with no global signals until the next full
 * run), so ties to them still count.
 */
async function indexWithNewPeople(db: Db, installationId: string, snapshotSignals: GlobalSignals, chosen: readonly LinkedContactRow[]) {
  const index = new IdIndex(snapshotSignals.ids);
  let maxId = 0;
  for (let i = 0; i < snapshotSignals.n; i++) if (snapshotSignals.ids[i]! > maxId) maxId = snapshotSignals.ids[i]!;
  const extra = [...new Set([...chosen.map((c) => c.personId), ...(await peopleAfter(db, installationId, maxId))])].filter((id) => !index.has(id));
  const signals = withExtraPeople(snapshotSignals, extra);
  extra.forEach((id, k) => index.set(id, signals.n - extra.length + k));
  return { signals, index };
}

/**
 * The chosen prospects as they are now: their declared topics (their CRM attributes are in
 * `chosen`), and their own conversations since the snapshot, which decide their topic mix
 * (the levels of everyone else move with full runs, like authority).
 */
async function chosenPeopleNow(db: Db, installationId: string, snapshotSignals: GlobalSignals, chosen: readonly LinkedContactRow[], indexOf: (id: number) => number, halfLifeDays: number, now: Date) {
  const dict = new TopicDictionary(new Map(snapshotSignals.topics.map((name, i) => [name, snapshotSignals.topics.length - i])));
  const declared = new Uint32Array(snapshotSignals.n);
  await loadPeople(db, installationId, (p) => {
    const i = indexOf(p.id);
    if (i >= 0) declared[i] = dict.mask(p.topics);
  }, chosen.map((c) => c.personId));
  const mine = toEvidence(snapshotSignals.n, await loadConversationAggregates(db, installationId, now, halfLifeDays, chosen.map((c) => c.personId)), dict, indexOf);
  const signals = withConversationLevels(snapshotSignals, mine, chosen.map((c) => indexOf(c.personId)));
  return { signals, dict, declared };
}

/** The chosen prospects' edges, then the out-edges of their closest contacts (two-hop): exactly what scoring reads. */
async function loadNeighbourhood(db: Db, installationId: string, ids: number[], signals: GlobalSignals, indexOf: (id: number) => number, dict: TopicDictionary, halfLifeDays: number, now: Date, t: Timer) {
  const cols = new EdgeColumns();
  const combos = new TopicCombos();
  await loadInteractions(db, installationId, cols, indexOf, combos, now, { touching: ids });
  combos.finishTopics(cols, dict);
  let graph = buildGraph(signals.n, cols, halfLifeDays);
  const scratch = new Scratch(signals.n);
  const chosenSet = new Set(ids);
  t.lap('edges');
  const via = new Set<number>();
  for (const id of ids) for (const j of closestContacts(indexOf(id), graph, scratch)) if (!chosenSet.has(signals.ids[j]!)) via.add(signals.ids[j]!);
  if (via.size > 0) {
    const more = new TopicCombos();
    const start = cols.count;
    await loadInteractions(db, installationId, cols, indexOf, more, now, { from: via, notTo: ids });
    const masks = Uint32Array.from(more.lists, (l) => dict.mask(l));
    for (let e = start; e < cols.count; e++) cols.topics[e] = masks[cols.topics[e]!]!;
    graph = buildGraph(signals.n, cols, halfLifeDays);
  }
  t.lap('twoHop');
  return { graph, interactions: cols.count };
}
