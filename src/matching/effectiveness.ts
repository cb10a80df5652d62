/**
 * Learned effectiveness of an influencer at a stage, from measured outcomes (campaign
 * conversions): a Beta-Binomial posterior shrunk to the prior when data is thin, so one lucky
 * conversion does not make a star. Pure.
 *
 *   prior      Beta(a, b) with mean `priorRate` and strength a + b = PRIOR_STRENGTH
 *   posterior  mean (a + wins) / (a + b + trials)
 *   value      clamp(posterior / (2 × priorRate), 0, 1): 0.5 = as good as the average influencer,
 *              1 = twice the prior conversion rate or better, 0 = never converts.
 *
 * With no outcomes every influencer is 0.5, so the component does not change any ranking.
 */
export const PRIOR_STRENGTH = 100;
export const DEFAULT_PRIOR_RATE = 0.05;

export interface Outcome {
  wins: number;
  trials: number;
  /**
   * Rates measured against a holdout, already shrunk across influencers and stages
   * (src/outcomes/learning.ts): the value is then the incremental effect, clamp(treated /
   * (2 × control), 0, 1) — 0.5 = no better than not reaching the prospect at all.
   */
  shrunk?: { treatment: number; control: number };
}

export function effectiveness(outcome: Outcome | undefined, priorRate = DEFAULT_PRIOR_RATE): number {
  if (outcome?.shrunk && outcome.shrunk.control > 0) return Math.min(1, Math.max(0, outcome.shrunk.treatment / (2 * outcome.shrunk.control)));
  if (!outcome || outcome.trials <= 0) return 0.5;
  const a = priorRate * PRIOR_STRENGTH;
  const posterior = (a + outcome.wins) / (PRIOR_STRENGTH + outcome.trials);
  return Math.min(1, Math.max(0, posterior / (2 * priorRate)));
}
