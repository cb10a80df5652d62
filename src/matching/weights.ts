/**
 * Per-stage weights of the match score (DESIGN.md "Stage weights"). Each row sums to 1, so a
 * match score is a 0..1 weighted mean of the components' 0..1 values.
 *
 * Why these defaults:
 * - awareness: the prospect has not engaged yet; reach within their topics and topical
 *   authority get the message seen (TwitterRank: topical rank beats follower counts).
 * - consideration: they compare options; topical experts they listen to weigh most.
 * - decision / purchase: close ties and similar customers who bought move a deal (Bakshy et al.
 *   2011: ordinary, close influencers are the cost-effective ones); reach matters little.
 * - advocacy: peers — similar customers, advocates — keep a customer advocating.
 * - unknown: a balanced mix.
 * Learned effectiveness (Beta-Binomial, see effectiveness.ts) is neutral until outcomes exist.
 * Installations override any row, or part of one, in settings (`matching.stageWeights`); a
 * partial row is filled from the default and the row renormalised to sum to 1.
 */
import { z } from 'zod';
import { CANONICAL_STAGES, type CanonicalStage } from '../domain/stages.ts';

export const COMPONENTS = ['tie', 'twoHop', 'authority', 'advocacy', 'similarity', 'reach', 'effectiveness'] as const;
export type Component = (typeof COMPONENTS)[number];
export type ComponentValues = Record<Component, number>;
export type StageWeights = Record<CanonicalStage, ComponentValues>;

const row = (tie: number, twoHop: number, authority: number, advocacy: number, similarity: number, reach: number, effectiveness: number): ComponentValues => ({
  tie,
  twoHop,
  authority,
  advocacy,
  similarity,
  reach,
  effectiveness,
});

export const DEFAULT_STAGE_WEIGHTS: StageWeights = {
  awareness: row(0.1, 0.05, 0.35, 0.05, 0.05, 0.3, 0.1),
  consideration: row(0.15, 0.1, 0.4, 0.1, 0.1, 0.05, 0.1),
  decision: row(0.3, 0.15, 0.1, 0.15, 0.2, 0, 0.1),
  purchase: row(0.3, 0.1, 0.05, 0.2, 0.25, 0, 0.1),
  advocacy: row(0.25, 0.1, 0.05, 0.25, 0.3, 0.05, 0),
  unknown: row(0.2, 0.1, 0.2, 0.1, 0.15, 0.15, 0.1),
};

/** Settings shape: stage → partial component weights (non-negative). */
export const StageWeightsOverrideSchema = z.partialRecord(z.enum(CANONICAL_STAGES), z.partialRecord(z.enum(COMPONENTS), z.number().min(0).max(100)));
export type StageWeightsOverride = z.infer<typeof StageWeightsOverrideSchema>;

/** Defaults with the installation's overrides applied, each row renormalised to sum to 1. */
export function resolveStageWeights(overrides: StageWeightsOverride = {}): StageWeights {
  const out = {} as StageWeights;
  for (const stage of CANONICAL_STAGES) {
    const merged = { ...DEFAULT_STAGE_WEIGHTS[stage], ...(overrides[stage] ?? {}) } as ComponentValues;
    const sum = COMPONENTS.reduce((s, c) => s + merged[c], 0);
    out[stage] = sum > 0 ? (Object.fromEntries(COMPONENTS.map((c) => [c, merged[c] / sum])) as ComponentValues) : DEFAULT_STAGE_WEIGHTS[stage];
  }
  return out;
}
