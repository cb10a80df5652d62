/**
 * The last part of every match run (src/jobs/match-run.ts): score the chosen prospects, name
 * them and their influencers, build the reasons, and replace their matches in one transaction.
 */
import type { InteractionGraph } from '../influence/graph.ts';
import type { SaidSummary } from '../matching/reason.ts';
import { matchProspect, Scratch, type Match, type Prospect } from '../matching/score.ts';
import type { GlobalSignals } from '../matching/signals.ts';
import type { Db } from '../store/db.ts';
import { loadConversationAggregates, personNames } from '../store/graph-load.ts';
import { replaceMatches } from '../store/matches.ts';
import { learnedOutcomes } from './learned-outcomes.ts';
import { matchRows, summariesOf } from './match-run-inputs.ts';
import type { MatchRunOptions, RunSettings, Timer } from './match-run.ts';

const NAME_BATCH = 50_000;
/** Prospects scored between two turns of the event loop (~10–50 ms of work). */
const YIELD_EVERY = 500;

export async function scoreAndWrite(
  db: Db,
  installationId: string,
  scope: 'all' | number[],
  prospects: Prospect[],
  graph: InteractionGraph,
  signals: GlobalSignals,
  settings: RunSettings,
  now: Date,
  t: Timer,
  onProgress?: MatchRunOptions['onProgress'],
  saidByPerson?: Map<number, SaidSummary>,
  snapshot?: { data: Buffer; computedAt: Date },
): Promise<number> {
  const results = await scoreEach(db, installationId, prospects, graph, signals, settings, onProgress);
  t.lap('score');
  const names = await namesFor(db, installationId, prospects, results, signals);
  // What the influencers said, for reasons that quote it (only what is stored).
  const said = saidByPerson ?? (await saidSummaries(db, installationId, influencersOf(results, signals), signals, settings.halfLifeDays, now));
  const rows = matchRows(prospects, results, names, said, graph, signals);
  t.lap('reasons');
  await replaceMatches(db, installationId, scope, rows, now, snapshot);
  t.lap('write');
  return rows.length;
}

/** Each prospect's top matches, in prospect order. */
async function scoreEach(db: Db, installationId: string, prospects: readonly Prospect[], graph: InteractionGraph, signals: GlobalSignals, settings: RunSettings, onProgress: MatchRunOptions['onProgress']): Promise<Match[][]> {
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
  return results;
}

/** Names for reasons: the prospects and their influencers. */
async function namesFor(db: Db, installationId: string, prospects: readonly Prospect[], results: readonly Match[][], signals: GlobalSignals) {
  const wanted = new Set<number>();
  prospects.forEach((p, k) => {
    wanted.add(signals.ids[p.index]!);
    for (const m of results[k]!) wanted.add(signals.ids[m.influencer]!);
  });
  const names = new Map<number, { name: string; audience: number | null }>();
  const all = [...wanted];
  for (let i = 0; i < all.length; i += NAME_BATCH) for (const [id, v] of await personNames(db, installationId, all.slice(i, i + NAME_BATCH))) names.set(id, v);
  return names;
}

/** The person ids of every matched influencer. */
function influencersOf(results: readonly Match[][], signals: GlobalSignals): number[] {
  const influencerIds = new Set<number>();
  for (const r of results) for (const m of r) influencerIds.add(signals.ids[m.influencer]!);
  return [...influencerIds];
}

/** What some people said (incremental runs and partitions, which load no one else's). */
async function saidSummaries(db: Db, installationId: string, ids: number[], signals: GlobalSignals, halfLifeDays: number, now: Date): Promise<Map<number, SaidSummary>> {
  const out = new Map<number, SaidSummary>();
  for (let i = 0; i < ids.length; i += NAME_BATCH) summariesOf(await loadConversationAggregates(db, installationId, now, halfLifeDays, ids.slice(i, i + NAME_BATCH)), signals, out);
  return out;
}
