/**
 * eval:outcomes — do the outcome statistics (src/outcomes) keep their promises on simulated
 * campaigns with a planted truth? (README "Measuring campaigns (statistics)")
 *
 *   npm run eval:outcomes [-- --sims 1000 --seed 1 --json]
 *
 * Studies (eval/outcomes-sim.ts):
 *   coverage    campaigns of 2,000 units, 30% held out, 5% baseline, planted lift +2 points: how
 *               often the 95% interval covers +2 (target 93–97%); plus a small campaign (600
 *               units, 2% baseline, +1 point) where interval methods part ways.
 *   sequential  no true effect, 50 units a day for 60 days, 50/50, looked at daily: how often the
 *               confidence sequence ever excludes zero (ceiling 5%), beside the z-test misused daily.
 *   srm         4,000 units assigned 45/55 under a 50/50 design: how often the check holds the
 *               results (floor 99%), and how often it holds a correct split (about 0.1%).
 * With --json the last line is one JSON object {sims, intervalCoverage, sequentialFalsePositiveRate,
 * srmDetectionRate, …}.
 */
import { Command } from 'commander';
import { COVERAGE_DEFAULTS, coverageStudy, SEQUENTIAL_DEFAULTS, sequentialStudy, SRM_DEFAULTS, srmStudy } from './outcomes-sim.ts';

const opts = new Command()
  .option('--sims <n>', 'simulated campaigns per study', (v) => Number.parseInt(v, 10), 1000)
  .option('--seed <n>', 'seed', (v) => Number.parseInt(v, 10), 1)
  .option('--json', 'end with one JSON line of the figures')
  .parse()
  .opts<{ sims: number; seed: number; json?: boolean }>();

if (!Number.isInteger(opts.sims) || opts.sims < 1 || !Number.isInteger(opts.seed)) {
  process.stderr.write('sway: --sims must be a whole number ≥ 1 and --seed a whole number\n');
  process.exit(2);
}

const SMALL = { ...COVERAGE_DEFAULTS, units: 600, baseline: 0.02, lift: 0.01 };

const started = performance.now();
const { sims, seed } = opts;
const coverage = coverageStudy({ sims, seed, ...COVERAGE_DEFAULTS });
const small = coverageStudy({ sims, seed: seed + 1_000_003, ...SMALL });
const sequential = sequentialStudy({ sims, seed, ...SEQUENTIAL_DEFAULTS });
const srm = srmStudy({ sims, seed, ...SRM_DEFAULTS });
const seconds = (performance.now() - started) / 1000;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
const rows: [string, string, string, string][] = [
  ['95% interval covers the planted lift (2,000 units, 5% → 7%)', pct(coverage.intervalCoverage), '93–97%', verdict(coverage.intervalCoverage >= 0.93 && coverage.intervalCoverage <= 0.97)],
  ['  same campaigns, Wald interval (not used)', pct(coverage.waldIntervalCoverage), '', ''],
  ['  same campaigns, relative lift (delta method)', pct(coverage.relativeIntervalCoverage), '', ''],
  ['  readout test finds the +2 points (power)', pct(coverage.readoutPower), '', ''],
  ['small campaign (600 units, 2% → 3%): Newcombe covers', pct(small.intervalCoverage), '93–97%', verdict(small.intervalCoverage >= 0.93 && small.intervalCoverage <= 0.97)],
  ['  Wald', pct(small.waldIntervalCoverage), '', ''],
  ['  relative lift (delta method)', pct(small.relativeIntervalCoverage), '', ''],
  ['confidence sequence rejects, no effect, 60 daily looks', pct(sequential.sequentialFalsePositiveRate), '≤ 5%', verdict(sequential.sequentialFalsePositiveRate <= 0.05)],
  ['  z-test misused at every daily look', pct(sequential.peekingFalsePositiveRate), '', ''],
  ['  z-test once, at day 60', pct(sequential.readoutFalsePositiveRate), '≈ 5%', ''],
  ['sample-ratio check holds a 45/55 split (4,000 units)', pct(srm.srmDetectionRate), '≥ 99%', verdict(srm.srmDetectionRate >= 0.99)],
  ['  holds a correct 50/50 split (false alarm)', pct(srm.srmFalseAlarmRate), '≈ 0.1%', ''],
];
const w = Math.max(...rows.map((r) => r[0].length));
const log = (s: string) => process.stdout.write(`${s}\n`);
log(`eval:outcomes — ${sims} simulated campaigns per study, seed ${seed}, ${seconds.toFixed(1)} s`);
log(`${'study'.padEnd(w)}  ${'measured'.padStart(8)}  ${'target'.padEnd(7)}  verdict`);
for (const [name, value, target, v] of rows) log(`${name.padEnd(w)}  ${value.padStart(8)}  ${target.padEnd(7)}  ${v}`);

if (opts.json) {
  log(
    JSON.stringify({
      sims,
      seed,
      intervalCoverage: coverage.intervalCoverage,
      sequentialFalsePositiveRate: sequential.sequentialFalsePositiveRate,
      srmDetectionRate: srm.srmDetectionRate,
      waldIntervalCoverage: coverage.waldIntervalCoverage,
      relativeIntervalCoverage: coverage.relativeIntervalCoverage,
      readoutPower: coverage.readoutPower,
      smallIntervalCoverage: small.intervalCoverage,
      smallWaldIntervalCoverage: small.waldIntervalCoverage,
      smallRelativeIntervalCoverage: small.relativeIntervalCoverage,
      peekingFalsePositiveRate: sequential.peekingFalsePositiveRate,
      readoutFalsePositiveRate: sequential.readoutFalsePositiveRate,
      srmFalseAlarmRate: srm.srmFalseAlarmRate,
      seconds: Number(seconds.toFixed(2)),
    }),
  );
}
