/**
 * The model's dev loop on the Epinions kit (../shared/realdata/epinions, README "Matching
 * evaluation"): the same pure engine a full match run uses (graph, topical authority, global
 * signals with conversation evidence, matchProspect), fed in-process in ~20 s instead of
 * through import, the CRM sandbox and the job (that real path is `npm run eval:realdata`).
 * Writes `prospect,rank,influencer` and scores it with the kit's own score.py.
 *
 *   npx tsx eval/epinions-engine.ts [--data DIR] [--out FILE] [--k 10] [--weights JSON] [--no-score]
 *
 * Mapping (the one eval:realdata uses): a review is a conversation by its author, topic = the
 * category's name, sentiment (rating − 3) / 2; "A trusts B" is a follow interaction A → B (B can
 * influence A); a prospect is a CRM contact with its derived stage. No timestamps in the kit:
 * everything is dated today, so decay is uniform. The data stays in shared/ (evaluation only).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Command } from 'commander';
import type { CanonicalStage } from '../src/domain/stages.ts';
import { buildGraph, EdgeColumns, kindIndex, TopicDictionary } from '../src/influence/graph.ts';
import { topicAuthority } from '../src/influence/pagerank.ts';
import { buildEvidence, type EvidenceRow } from '../src/matching/evidence.ts';
import { matchProspect, Scratch, type Prospect } from '../src/matching/score.ts';
import { buildGlobalSignals, Codes, type PeopleColumns } from '../src/matching/signals.ts';
import { resolveStageWeights, StageWeightsOverrideSchema } from '../src/matching/weights.ts';

const here = dirname(fileURLToPath(import.meta.url));
const opts = new Command()
  .option('--data <dir>', 'the kit data folder', process.env.SWAY_EPINIONS_DATA ?? resolve(here, '../../shared/realdata/epinions/data'))
  .option('--out <file>', 'matches file to write', '/tmp/sway-epinions-matches.csv')
  .option('--k <n>', 'influencers per prospect', (v) => Number.parseInt(v, 10), 10)
  .option('--weights <json>', 'stage weight overrides as in settings (matching.stageWeights)')
  .option('--compare <file>', 'also run score.py --compare against this matches file')
  .option('--without <parts>', 'ablation: comma list of conversations (no evidence), followers (no graph for reach/reception)', '')
  .option('--json', 'score.py --json (one JSON line)')
  .option('--no-score', 'write the matches only')
  .parse()
  .opts<{ data: string; out: string; k: number; weights?: string; compare?: string; without: string; json?: boolean; score: boolean }>();
const without = new Set(opts.without.split(',').filter(Boolean));

function csv(name: string): string[][] {
  const raw = readFileSync(join(opts.data, `${name}.csv.gz`));
  const lines = gunzipSync(raw).toString('utf8').split('\n');
  return lines.slice(1).filter((l) => l.length > 0).map((l) => l.split(','));
}

const started = performance.now();
const people = csv('people');
const ids = people.map((r) => Number(r[0]));
const index = new Map(ids.map((id, i) => [id, i]));
const n = ids.length;
const categories = new Map(csv('categories').map((r) => [r[0]!, r.slice(1).join(',')]));

// Reviews → conversation evidence per (person, category).
const freq = new Map<string, number>();
const agg = new Map<number, EvidenceRow>();
const reviews = csv('reviews_train');
for (const r of reviews) {
  const topic = categories.get(r[2]!)!;
  freq.set(topic, (freq.get(topic) ?? 0) + 1);
}
const dict = new TopicDictionary(freq);
for (const r of reviews) {
  const i = index.get(Number(r[0]));
  if (i === undefined) continue;
  const t = dict.bit(categories.get(r[2]!)!);
  const key = i * 64 + (t + 1);
  let row = agg.get(key);
  if (!row) agg.set(key, (row = { person: i, topic: t, count: 0, positiveCount: 0, mass: 0, positiveMass: 0, sentimentSum: 0, sentimentCount: 0, lastAgeDays: 0 }));
  const sentiment = (Number(r[3]) - 3) / 2;
  row.count++;
  row.mass++;
  row.sentimentSum += sentiment;
  row.sentimentCount++;
  if (sentiment > 0) {
    row.positiveCount++;
    row.positiveMass++;
  }
}
const evidence = buildEvidence(n, [...agg.values()]);

// Trust → follows.
const cols = new EdgeColumns();
const follow = kindIndex('follow');
for (const r of csv('trust')) {
  const a = index.get(Number(r[0]));
  const b = index.get(Number(r[1]));
  if (a !== undefined && b !== undefined && a !== b) cols.push(a, b, follow, 0, Number.NaN, 0);
}
const graph = buildGraph(n, cols);

// Prospects: CRM contacts at their derived stage; nobody is a customer.
const prospectRows = csv('prospects');
const peopleCols: PeopleColumns = {
  n,
  ids: Float64Array.from(ids),
  audience: new Float64Array(n).fill(Number.NaN),
  industry: new Int32Array(n).fill(-1),
  region: new Int32Array(n).fill(-1),
  companySize: new Int32Array(n).fill(-1),
  topics: new Uint32Array(n),
  customer: new Uint8Array(n),
  sentiment: evidence.total.sentiment,
  // The score job's advocate flag (influence/score.ts isAdvocate) from conversations.
  advocateFlag: Uint8Array.from({ length: n }, (_, i) => (evidence.total.count[i]! >= 3 && evidence.total.sentiment[i]! >= 0.3 ? 1 : 0)),
};
const codes = { industry: new Codes(), region: new Codes(), companySize: new Codes() };
const auth = topicAuthority(graph, dict.names.length, peopleCols.topics);
const signals = buildGlobalSignals(peopleCols, dict.names, auth.levels, codes, {
  ...(without.has('conversations') ? {} : { evidence }),
  ...(without.has('followers') ? {} : { graph }),
});
const loaded = performance.now();

const weights = resolveStageWeights(opts.weights ? StageWeightsOverrideSchema.parse(JSON.parse(opts.weights)) : {});
const scratch = new Scratch(n);
const out: string[] = ['prospect,rank,influencer'];
for (const r of prospectRows) {
  const i = index.get(Number(r[0]));
  if (i === undefined) continue;
  const p: Prospect = { index: i, stage: r[1] as CanonicalStage, industry: -1, region: -1, companySize: -1, topics: 0 };
  matchProspect(p, graph, signals, scratch, { weights, topK: opts.k }).forEach((m, rank) => out.push(`${r[0]},${rank + 1},${ids[m.influencer]}`));
}
writeFileSync(opts.out, `${out.join('\n')}\n`);
const done = performance.now();
process.stderr.write(`epinions-engine: ${n} people, ${cols.count} follows, ${reviews.length} reviews; load+rank ${((loaded - started) / 1000).toFixed(1)} s, match ${((done - loaded) / 1000).toFixed(1)} s; wrote ${opts.out}\n`);

if (opts.score) {
  const score = resolve(opts.data, '../score.py');
  const args = [score, opts.data, opts.out, '--k', String(opts.k), ...(opts.compare ? ['--compare', opts.compare] : []), ...(opts.json ? ['--json'] : [])];
  process.stdout.write(execFileSync('python3', args, { encoding: 'utf8' }));
}
