/**
 * A campaign report as lines a marketer reads (`sway campaigns report`, the demo). Pure.
 * Lift is only ever the randomised comparison; exposed-only figures carry their
 * "observational" label.
 */
import type { CampaignReport, SegmentResult } from './report.ts';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—');
const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
const money = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');

function arms(r: SegmentResult): string {
  const t = r.treatment;
  const c = r.control;
  return `treatment ${t.conversions}/${t.units} (${pct(t.rate)}), control ${c.conversions}/${c.units} (${pct(c.rate)})`;
}

function detail(r: SegmentResult): string[] {
  const a = r.analysis;
  if (!a) return [];
  const lines = [
    `  absolute lift ${pts(a.absoluteLift.estimate)} points, 95% interval ${pts(a.absoluteLift.ci[0])} to ${pts(a.absoluteLift.ci[1])}`,
  ];
  if (a.relativeLift) lines.push(`  relative lift ${pts(a.relativeLift.estimate)}%, interval ${pts(a.relativeLift.ci[0])}% to ${pts(a.relativeLift.ci[1])}% (delta method)`);
  lines.push(
    `  ${a.fixedHorizon.final ? 'readout test' : 'readout test (not final before the readout)'}: p = ${a.fixedHorizon.pValue.toPrecision(3)}; always-valid interval ${pts(a.sequential.ci[0])} to ${pts(a.sequential.ci[1])} points`,
    `  revenue per prospect ${money(a.revenuePerProspect.treatment)} vs ${money(a.revenuePerProspect.control)}; incremental conversions ${a.incremental.conversions.estimate.toFixed(1)}, revenue ${money(a.incremental.revenue.estimate)}${a.incremental.roi ? `, ROI ${pct(a.incremental.roi.estimate)}` : ''}`,
  );
  if (a.power.mde !== null) lines.push(`  minimum detectable lift now ${pts(a.power.mde)} points`);
  if (r.observational) lines.push(`  ${r.observational.label}: exposed ${pct(r.observational.exposedRate)} of ${r.observational.exposedUnits} vs control ${pct(r.observational.controlRate)}`);
  return lines;
}

export function reportLines(name: string, report: CampaignReport): string[] {
  const o = report.overall;
  const lines = [
    `Campaign ${name} (${report.campaignId}) as of ${report.asOf}${report.afterReadout ? ' — read out' : ' — before the readout'}`,
    `  ${arms(o)}; intent-to-treat`,
    `  verdict: ${o.verdict} — ${o.label}`,
    ...detail(o),
  ];
  for (const [title, family] of [['Per influencer', report.influencers], ['Per stage', report.stages]] as const) {
    if (family.length === 0) continue;
    lines.push(`${title}:`);
    for (const r of family) lines.push(`  ${r.key}: ${arms(r)} — ${r.label}${r.analysis?.fixedHorizon.qValue !== undefined ? ` (q = ${r.analysis.fixedHorizon.qValue.toPrecision(2)})` : ''}`);
  }
  if (report.learning && report.learning.influencers.length > 0) {
    lines.push('Influencers ranked on shrunk lift (empirical Bayes):');
    for (const g of [...report.learning.influencers].sort((a, b) => a.rank - b.rank)) lines.push(`  ${g.rank}. ${g.key}: ${pts(g.shrunkLift)} points (raw ${pts(g.rawLift)})`);
  }
  return lines;
}
