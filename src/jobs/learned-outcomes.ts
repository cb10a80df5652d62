/**
 * The effectiveness signal's input for a match run: campaign effects pooled and shrunk
 * (src/outcomes/learning.ts), keyed as src/matching/score.ts reads them — `${dense index}:${stage}`.
 * Undefined when no campaign has been measured: every influencer stays neutral (0.5).
 */
import type { Outcome } from '../matching/effectiveness.ts';
import { learnEffects } from '../outcomes/learning.ts';
import { installationEffects } from '../store/campaign-learning.ts';
import type { Db } from '../store/db.ts';

export async function learnedOutcomes(db: Db, installationId: string, ids: ArrayLike<number>): Promise<Map<string, Outcome> | undefined> {
  const learned = learnEffects(await installationEffects(db, installationId));
  if (learned.length === 0) return undefined;
  const wanted = new Set(learned.map((l) => l.influencerId));
  const index = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) if (wanted.has(ids[i]!)) index.set(ids[i]!, i);
  const out = new Map<string, Outcome>();
  for (const l of learned) {
    const i = index.get(l.influencerId);
    if (i === undefined) continue;
    out.set(`${i}:${l.stage}`, { wins: 0, trials: l.units, shrunk: { treatment: l.shrunkTreatment, control: l.shrunkControl } });
  }
  return out;
}
