/**
 * eval:realdata's metrics and baselines against the Epinions kit's own scripts
 * (../shared/realdata/epinions/score.py and baselines.py): point estimates to 1e-9, baseline
 * lists row for row. On a small synthetic kit generated here (always), and on the --smoke slice
 * of the real kit when it is present. Without python3 + numpy (or the kit's scripts), the
 * synthetic kit is checked against test/eval/fixtures/realdata-synthetic.json, which holds
 * score.py's figures and baselines.py's file hashes for it (regenerate with
 * UPDATE_REALDATA_FIXTURE=1 where python is present).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASELINE_FILE_NAMES, BASELINES, computeBaselines, type MatchLists } from '../../eval/realdata/baselines.ts';
import { exactLog } from '../../eval/realdata/exact-log.ts';
import { loadKit, loadTruth, type Kit } from '../../eval/realdata/kit.ts';
import { METRIC_KEYS, SCORE_PY_NAMES, scoringData } from '../../eval/realdata/metrics.ts';
import { PyRandom } from '../../eval/realdata/py-random.ts';
import { scoreAll } from '../../eval/realdata/score-all.ts';
import { SMOKE, subsample, writeKit } from '../../eval/realdata/subsample.ts';
import { syntheticKit } from './realdata-synthetic-kit.ts';

const KIT_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'realdata', 'epinions');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'realdata-synthetic.json');
// SWAY_TEST_NO_PYTHON=1 takes the fixture path on a machine that has python.
const python = (() => {
  if (process.env.SWAY_TEST_NO_PYTHON || !existsSync(join(KIT_DIR, 'score.py'))) return false;
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
})();
const tmp = mkdtempSync(join(tmpdir(), 'sway-realdata-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A deliberately messy matches list: the baselines' people in reverse, a duplicate, the prospect itself, an unknown id, fractional ranks. */
function messyMatches(lists: Record<string, MatchLists>): { prospect: number; rank: number; influencer: number }[] {
  const rows: { prospect: number; rank: number; influencer: number }[] = [];
  for (const [u, vs] of lists.topicReach!) {
    if (u % 7 === 0) continue; // uncovered
    const mixed = [...vs.slice(0, 4), ...(lists.tiesByTopic!.get(u) ?? []).slice(0, 5), u, 999_999];
    mixed.forEach((v, i) => rows.push({ prospect: u, rank: 12 - i * 0.5, influencer: v }));
    if (mixed.length) rows.push({ prospect: u, rank: 0.5, influencer: mixed[0]! });
  }
  return rows;
}

const toCsv = (rows: { prospect: number; rank: number; influencer: number }[]) => `prospect,rank,influencer\n${rows.map((r) => `${r.prospect},${r.rank},${r.influencer}\n`).join('')}`;
const listCsv = (lists: MatchLists) => toCsv([...lists].flatMap(([u, vs]) => vs.map((v, i) => ({ prospect: u, rank: i + 1, influencer: v }))));
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

interface Figures {
  methods: Record<string, Record<string, number | null>>;
  byStage: Record<string, Record<string, Record<string, number | null>>>;
  baselineSha256: Record<string, string>;
}

/** What the TypeScript side computes for a kit, in score.py's names. */
function ours(kit: Kit, truth: Map<number, Set<number>>, sway: { prospect: number; rank: number; influencer: number }[]) {
  const baselines = computeBaselines(kit);
  const s = scoreAll(scoringData(kit, truth), sway, baselines);
  const named = { sway: s.sway, ...Object.fromEntries(BASELINES.map((b) => [BASELINE_FILE_NAMES[b], s.baselines[b]])) };
  const methods = Object.fromEntries(Object.entries(named).map(([m, sc]) => [m, Object.fromEntries(METRIC_KEYS.map((k) => [SCORE_PY_NAMES[k], sc[k]]))]));
  const byStage = Object.fromEntries(Object.entries(named).map(([m, sc]) => [m, Object.fromEntries(Object.entries(sc.byStage).map(([st, x]) => [st, Object.fromEntries(METRIC_KEYS.map((k) => [SCORE_PY_NAMES[k], x[k]]))]))]));
  return { baselines, methods, byStage };
}

/** score.py's point estimates and baselines.py's files for a kit directory. */
function theirs(dir: string, swayCsv: string): Figures {
  const out = join(dir, 'baselines-py');
  execFileSync('python3', [join(KIT_DIR, 'baselines.py'), dir, '--out', out]);
  const files = { sway: swayCsv, ...Object.fromEntries(Object.values(BASELINE_FILE_NAMES).map((b) => [b, join(out, `${b}.csv`)])) };
  const methods: Figures['methods'] = {};
  const byStage: Figures['byStage'] = {};
  for (const [name, file] of Object.entries(files)) {
    const json = JSON.parse(execFileSync('python3', [join(KIT_DIR, 'score.py'), dir, file, '--json'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n').at(-1)!);
    methods[name] = Object.fromEntries(Object.entries(json.metrics as Record<string, number[]>).map(([k, v]) => [k, v[0]!]));
    byStage[name] = Object.fromEntries(Object.entries(json.by_stage as Record<string, Record<string, number>>).map(([st, x]) => [st, Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'n'))]));
  }
  const baselineSha256 = Object.fromEntries(Object.values(BASELINE_FILE_NAMES).map((b) => [b, sha(readFileSync(join(out, `${b}.csv`), 'utf8'))]));
  return { methods, byStage, baselineSha256 };
}

/** NaN (a 0/0 ratio) is null in JSON on both sides. */
const norm = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? null : x);

function expectAgree(mine: ReturnType<typeof ours>, ref: Figures): void {
  for (const [m, metrics] of Object.entries(ref.methods)) {
    for (const [k, v] of Object.entries(metrics)) {
      const got = norm(mine.methods[m]![k]);
      if (norm(v) === null) expect(got, `${m} ${k}`).toBeNull();
      else expect(Math.abs(got! - v!), `${m} ${k}: ${got} vs score.py ${v}`).toBeLessThanOrEqual(1e-9);
    }
    for (const [st, x] of Object.entries(ref.byStage[m]!)) {
      for (const [k, v] of Object.entries(x)) {
        const got = norm(mine.byStage[m]![st]![k]);
        if (norm(v) === null) expect(got, `${m} ${st} ${k}`).toBeNull();
        else expect(Math.abs(got! - v!), `${m} ${st} ${k}`).toBeLessThanOrEqual(1e-9);
      }
    }
  }
  for (const b of BASELINES) expect(sha(listCsv(mine.baselines[b])), `${BASELINE_FILE_NAMES[b]}.csv as baselines.py writes it`).toBe(ref.baselineSha256[BASELINE_FILE_NAMES[b]]);
}

describe('Python compatibility', () => {
  it("PyRandom draws what CPython's random.Random(str) draws (values from Python 3.11)", () => {
    const r = new PyRandom('0:8:12');
    expect([r.getrandbits(32), r.getrandbits(32)]).toEqual([3651742726, 331766511]);
    expect(new PyRandom('0:5').sample(Array.from({ length: 1000 }, (_, i) => i), 10)).toEqual([268, 474, 98, 90, 774, 788, 983, 245, 309, 919]);
    expect(new PyRandom('0:5').sample(Array.from({ length: 50 }, (_, i) => i), 10)).toEqual([16, 29, 6, 5, 15, 19, 13, 41, 3, 20]);
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => new PyRandom(`0:${n}:9`).choice([10, 11, 12, 13, 14, 15, 16].slice(0, n)))).toEqual([10, 10, 10, 13, 14, 10, 16]);
  });

  it("exactLog is Python's math.log where V8's Math.log is an ulp off", () => {
    // repr(math.log(n)) in Python 3.11 on glibc; Math.log(3) is 1.0986122886681096 in V8.
    expect(exactLog(3)).toBe(1.0986122886681098);
    expect(exactLog(48)).toBe(3.871201010907891);
    expect(exactLog(1)).toBe(0);
    for (let n = 1; n < 5000; n++) expect(Math.abs(exactLog(n) - Math.log(n))).toBeLessThanOrEqual(Number.EPSILON * Math.log(n));
  });
});

describe('metrics and baselines agree with score.py and baselines.py', () => {
  it('on a synthetic kit (score.py when python3 + numpy are here, else the committed fixture)', () => {
    const { kit, truth } = syntheticKit(400);
    const dir = join(tmp, 'synthetic');
    writeKit(dir, kit, truth);
    // The kit as written reads back the same (score.py reads these files).
    const back = loadKit(dir);
    expect(back.reviews.user.length).toBe(kit.reviews.user.length);
    expect(back.categories.get(3)).toBe('Category, "3"');
    const baselines = computeBaselines(kit);
    const sway = messyMatches(baselines);
    writeFileSync(join(dir, 'sway.csv'), toCsv(sway));
    const mine = ours(kit, loadTruth(dir), sway);
    const ref: Figures = python ? theirs(dir, join(dir, 'sway.csv')) : (JSON.parse(readFileSync(FIXTURE, 'utf8')) as Figures);
    if (python && process.env.UPDATE_REALDATA_FIXTURE) writeFileSync(FIXTURE, `${JSON.stringify(ref, null, 1)}\n`);
    expect(Object.keys(ref.methods).sort()).toEqual(['random', 'reach', 'sway', 'ties_by_topic', 'topic_reach']);
    // The messy list exercises uncovered prospects, duplicates and unknown ids.
    expect(ref.methods.sway!.coverage).toBeLessThan(1);
    expectAgree(mine, ref);
  });

  it.skipIf(!python || !existsSync(join(KIT_DIR, 'data')))('on the --smoke slice of the real kit', () => {
    const full = loadKit(join(KIT_DIR, 'data'));
    const { kit, truth } = subsample(full, loadTruth(join(KIT_DIR, 'data')), SMOKE);
    const dir = join(tmp, 'smoke');
    writeKit(dir, kit, truth);
    const sway = messyMatches(computeBaselines(kit));
    writeFileSync(join(dir, 'sway.csv'), toCsv(sway));
    expectAgree(ours(kit, truth, sway), theirs(dir, join(dir, 'sway.csv')));
  });
});
