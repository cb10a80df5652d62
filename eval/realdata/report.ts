/** The eval's readable table (stdout): every method with intervals, by stage, and Sway − the best baseline. */
import { BASELINE_FILE_NAMES, BASELINES, type BaselineName } from './baselines.ts';
import type { Interval } from './metrics.ts';
import type { MethodScore, Scored } from './score-all.ts';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');
const permille = (x: number, sign = true) => (Number.isFinite(x) ? `${sign && x >= 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 1000).toFixed(3)}` : '—');
const ci3 = ([lo, hi]: [number, number]) => `[${f3(lo)}, ${f3(hi)}]`;
const ciPm = ([lo, hi]: [number, number]) => `[${permille(lo)}, ${permille(hi)}]`;

function table(header: string[], rows: string[][]): string {
  const w = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(w[c]!) : x.padStart(w[c]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The baseline with the best point estimate of a metric. */
export function bestBaseline(s: Scored, metric: 'hr10' | 'incPerMatch'): BaselineName {
  return BASELINES.reduce((best, b) => (s.baselines[b][metric] > s.baselines[best][metric] ? b : best));
}

export function formatReport(s: Scored): string {
  const methods: [string, MethodScore][] = [['Sway', s.sway], ...BASELINES.map((b) => [BASELINE_FILE_NAMES[b], s.baselines[b]] as [string, MethodScore])];
  const main = table(
    ['method', 'coverage', 'HR@10 [95% CI]', 'hits/match [95% CI]', 'inc. conv/match ‰ [95% CI]', 'share matched / control ‰', 'conv per 1k cost [95% CI]'],
    methods.map(([name, m]) => [
      name,
      m.coverage.toFixed(4),
      `${f3(m.hr10)} ${ci3(m.hr10Ci)}`,
      `${f3(m.hitsPerMatch)} ${ci3(m.hitsPerMatchCi)}`,
      `${permille(m.incPerMatch)} ${ciPm(m.incPerMatchCi)}`,
      `${permille(m.shareMatched, false)} / ${permille(m.shareControl, false)}`,
      `${f3(m.convPer1kCost)} ${ci3(m.convPer1kCostCi)}`,
    ]),
  );
  const stages = Object.keys(s.sway.byStage);
  const byStage = table(
    ['method', ...stages.map((st) => `${st} (n = ${s.sway.byStage[st]!.n.toLocaleString()})`)],
    methods.map(([name, m]) => [name, ...stages.map((st) => {
      const x = m.byStage[st]!;
      return `${f3(x.hr10)} / ${permille(x.incPerMatch)} / ${f3(x.convPer1kCost)}`;
    })]),
  );
  const pair = (metric: 'hr10' | 'incPerMatch') => {
    const b = bestBaseline(s, metric);
    const d: Interval = s.compare[b][metric];
    const show = metric === 'hr10' ? (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}` : (x: number) => `${permille(x)}‰`;
    const verdict = d[1] > 0 ? 'Sway better (interval above 0)' : d[2] < 0 ? 'Sway worse (interval below 0)' : 'no difference shown (interval covers 0)';
    return `  ${metric === 'hr10' ? 'HR@10' : 'inc. conv/match'}: Sway − ${BASELINE_FILE_NAMES[b]} (best baseline) ${show(d[0])} [${show(d[1])}, ${show(d[2])}] — ${verdict}`;
  };
  return [main, '', 'By derived stage (point estimates): HR@10 / inc. conv per match ‰ / conv per 1k cost', byStage, '', 'Paired differences (same bootstrap resamples):', pair('hr10'), pair('incPerMatch')].join('\n');
}
