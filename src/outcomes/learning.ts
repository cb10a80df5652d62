/**
 * What measured campaigns teach matching: per (influencer, stage) cell, the treated and control
 * conversion rates pooled over campaigns, each shrunk toward what all cells do (empirical-Bayes
 * Beta-Binomial, shrinkage.ts), so a cell with 2 of 3 converted does not make a star. Pure.
 * Matching turns the two shrunk rates into its effectiveness signal
 * (src/matching/effectiveness.ts): treated ÷ control, the incremental effect, not a raw rate.
 */
import { fitBetaPrior, shrinkRates } from './shrinkage.ts';

export interface EffectCell {
  influencerId: number;
  stage: string;
  treatmentUnits: number;
  treatmentConversions: number;
  controlUnits: number;
  controlConversions: number;
}

export interface LearnedEffect {
  influencerId: number;
  stage: string;
  /** Treated units behind it, over all campaigns. */
  units: number;
  shrunkTreatment: number;
  shrunkControl: number;
}

/** Sums cells of the same (influencer, stage) over campaigns, then shrinks each arm's rate across cells. */
export function learnEffects(cells: readonly EffectCell[]): LearnedEffect[] {
  const pooled = new Map<string, EffectCell>();
  for (const c of cells) {
    const key = `${c.influencerId}:${c.stage}`;
    const p = pooled.get(key);
    if (!p) pooled.set(key, { ...c });
    else {
      p.treatmentUnits += c.treatmentUnits;
      p.treatmentConversions += c.treatmentConversions;
      p.controlUnits += c.controlUnits;
      p.controlConversions += c.controlConversions;
    }
  }
  const list = [...pooled.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, c]) => c);
  if (list.length === 0) return [];
  const t = list.map((c, i) => ({ key: String(i), units: c.treatmentUnits, conversions: c.treatmentConversions }));
  const k = list.map((c, i) => ({ key: String(i), units: c.controlUnits, conversions: c.controlConversions }));
  const st = shrinkRates(t, fitBetaPrior(t));
  const sc = shrinkRates(k, fitBetaPrior(k));
  return list.map((c, i) => ({ influencerId: c.influencerId, stage: c.stage, units: c.treatmentUnits, shrunkTreatment: st[i]!.shrunk, shrunkControl: sc[i]!.shrunk }));
}
