/**
 * eval:realdata — Sway's matches on real people: the Epinions kit (a review site's trust network
 * and ratings; ../shared/realdata/epinions, README there for files, split, metrics, baselines).
 *
 *   npm run eval:realdata [-- --data DIR --smoke --json --out FILE --person-topics 3]
 *                         [-- --prospects N --max-people N --max-reviews N]   (a slice, as --smoke)
 *
 * The kit goes through Sway's real path (eval/realdata/sway-run.ts: HubSpot sandbox contacts,
 * OAuth install, `sway import`, the queue's score → match → push, `sway matches --export csv`),
 * then Sway's top 10 and the kit's four baselines (computed here on baselines.py's rules) are
 * scored on the same prospects with score.py's definitions (eval/realdata/metrics.ts).
 * Store: DATABASE_URL when set (own schema, dropped after), else an embedded PGlite in a temp dir.
 *
 * Output: a table on stdout, progress on stderr; `--json` ends with one JSON line (README
 * "Real-data evaluation"); `--out FILE` writes the matches scored as prospect,rank,influencer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { processEnv } from '../src/config.ts';
import { BASELINES, computeBaselines } from './realdata/baselines.ts';
import { KitError, loadKit, loadTruth } from './realdata/kit.ts';
import { scoringData } from './realdata/metrics.ts';
import { formatReport } from './realdata/report.ts';
import { scoreAll, type MethodScore } from './realdata/score-all.ts';
import { SMOKE, subsample } from './realdata/subsample.ts';
import { runSwayOnKit } from './realdata/sway-run.ts';

const DEFAULT_DATA = resolve(import.meta.dirname, '..', '..', 'shared', 'realdata', 'epinions', 'data');
/** The done-when bound on the match job's own time for a ~7,000-person installation (issue 11). */
const MATCH_SECONDS_CEILING = 15;

const opts = new Command('eval:realdata')
  .option('--data <dir>', "the Epinions kit's data directory", DEFAULT_DATA)
  .option('--smoke', `a small deterministic slice for CI: ${SMOKE.prospects} prospects and up to ${SMOKE.maxPeople} people within 2 trust hops`)
  .option('--json', 'end with one JSON line of the figures')
  .option('--out <file>', 'write the Sway matches scored, as prospect,rank,influencer')
  .option('--prospects <n>', 'a slice: this many prospects and people within 2 trust hops (with --max-people, --max-reviews)', (v) => Number.parseInt(v, 10))
  .option('--max-people <n>', 'people in a slice', (v) => Number.parseInt(v, 10))
  .option('--max-reviews <n>', 'reviews in a slice', (v) => Number.parseInt(v, 10))
  .option('--person-topics <n>', "categories given as a person's topics (their most reviewed)", (v) => Number.parseInt(v, 10), 3)
  .option('--timeout <s>', 'seconds to wait for the queue to drain after the import', (v) => Number.parseInt(v, 10), 1800)
  .parse()
  .opts<{ data: string; smoke?: boolean; json?: boolean; out?: string; prospects?: number; maxPeople?: number; maxReviews?: number; personTopics: number; timeout: number }>();

const say = (s: string) => process.stderr.write(`${s}\n`);
const fail = (msg: string): never => {
  process.stderr.write(`eval:realdata: ${msg}\n`);
  process.exit(2);
};

if (!Number.isInteger(opts.personTopics) || opts.personTopics < 0 || opts.personTopics > 27) fail('--person-topics must be a whole number from 0 to 27');
if (!Number.isInteger(opts.timeout) || opts.timeout < 1) fail('--timeout must be a positive number of seconds');
for (const [flag, v] of [['--prospects', opts.prospects], ['--max-people', opts.maxPeople], ['--max-reviews', opts.maxReviews]] as const) {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) fail(`${flag} must be a positive whole number`);
}
const sliced = opts.smoke || opts.prospects !== undefined || opts.maxPeople !== undefined || opts.maxReviews !== undefined;
const slice = { ...SMOKE, ...(opts.smoke ? {} : { prospects: Number.MAX_SAFE_INTEGER, maxPeople: Number.MAX_SAFE_INTEGER, maxReviews: Number.MAX_SAFE_INTEGER }) };
if (opts.prospects !== undefined) slice.prospects = opts.prospects;
if (opts.maxPeople !== undefined) slice.maxPeople = opts.maxPeople;
if (opts.maxReviews !== undefined) slice.maxReviews = opts.maxReviews;

const started = performance.now();
let full;
let fullTruth;
try {
  say(`• reading the kit in ${opts.data} …`);
  full = loadKit(opts.data);
  fullTruth = loadTruth(opts.data);
} catch (err) {
  if (err instanceof KitError) fail(err.message);
  throw err;
}
const { kit, truth } = sliced ? subsample(full, fullTruth, slice) : { kit: full, truth: fullTruth };
say(`• ${kit.prospects.length.toLocaleString()} prospects, ${kit.inDegree.size.toLocaleString()} people, ${kit.truster.length.toLocaleString()} trust edges, ${kit.reviews.user.length.toLocaleString()} reviews${sliced ? ' (a slice)' : ''}`);
const baselines = computeBaselines(kit);

const dir = mkdtempSync(join(tmpdir(), 'sway-eval-realdata-'));
// However the process ends (done, failed, or a signal handled in sway-run.ts).
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let run;
try {
  run = await runSwayOnKit(kit, { dir, topK: 10, personTopics: opts.personTopics, env: processEnv(), progress: (s) => say(`• ${s}`), jobTimeoutMs: opts.timeout * 1000 });
} catch (err) {
  fail((err as Error).message);
}
if (run!.failedRuns.length > 0) fail(`job runs failed: ${run!.failedRuns.join('; ')}`);
const r = run!;

say('• scoring Sway and the baselines …');
const scored = scoreAll(scoringData(kit, truth), r.rows, baselines);
if (opts.out) {
  const sorted = r.rows.slice().sort((a, b) => a.prospect - b.prospect || a.rank - b.rank);
  writeFileSync(opts.out, `prospect,rank,influencer\n${sorted.map((x) => `${x.prospect},${x.rank},${x.influencer}\n`).join('')}`);
  say(`• ${sorted.length.toLocaleString()} matches written to ${opts.out}`);
}

const t = r.timings;
const people = r.file.people;
process.stdout.write(
  [
    '',
    `Epinions kit, ${kit.prospects.length.toLocaleString()} prospects${sliced ? ' (a slice)' : ''}, k = 10; Sway through import → score → match → export on ${r.store}; 95% bootstrap intervals over prospects`,
    formatReport(scored),
    '',
    `Sway run: ${people.toLocaleString()} people, ${r.file.interactions.toLocaleString()} follows, ${r.file.conversations.toLocaleString()} reviews in one ${Math.round(r.file.bytes / 1e6)} MB file; ` +
      `${r.contacts.toLocaleString()} contacts, ${r.contactsLinked?.toLocaleString() ?? '?'} linked, ${r.prospectsMatched.toLocaleString()} matched`,
    `  import ${t.importSeconds} s (command ${t.importWallSeconds} s); score job ${t.scoreSeconds ?? '?'} s; ` +
      `match job ${t.matchSeconds ?? '?'} s (ceiling ${MATCH_SECONDS_CEILING} s for ~7,000 people; this run has ${people.toLocaleString()}); push ${t.pushSeconds ?? '?'} s; ` +
      `jobs wall ${t.jobsWallSeconds} s; export ${t.exportSeconds} s; eval total ${Math.round((performance.now() - started) / 1000)} s`,
    '',
  ].join('\n'),
);

if (opts.json) {
  const pick = (m: MethodScore) => {
    const { intervals: _iv, ...rest } = m;
    return rest;
  };
  process.stdout.write(
    `${JSON.stringify({
      ...pick(scored.sway),
      baselines: Object.fromEntries(BASELINES.map((b) => [b, pick(scored.baselines[b])])),
      compare: scored.compare,
      prospects: kit.prospects.length,
      smoke: Boolean(opts.smoke),
      slice: sliced ? slice : null,
      store: r.store,
      people,
      interactions: r.file.interactions,
      conversations: r.file.conversations,
      contactsLinked: r.contactsLinked,
      prospectsMatched: r.prospectsMatched,
      timings: { ...t, matchSecondsCeiling: MATCH_SECONDS_CEILING, totalSeconds: Math.round((performance.now() - started) / 100) / 10 },
    })}\n`,
  );
}
process.exit(0);
