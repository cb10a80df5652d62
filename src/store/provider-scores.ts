/**
 * The `scores` list of an ingest batch, applied in work linear in its size.
 *
 * Each score replaces that provider's entry of the person's `provider_scores` and keeps the
 * others. It used to be one UPDATE per score that rebuilt the person's whole list in SQL: 5,000
 * scores for one person wrote 5,000 ever longer row versions (quadratic; a 300 KB request took
 * 107 s holding the installation's people lock) and nothing bounded the list (one person got
 * 5,000 providers). Now the touched people are read once (locked), their lists merged here and
 * written back in one statement, and a person never holds more than
 * {@link MAX_PROVIDERS_PER_PERSON} providers — the limit `people[].providerScores` has — in one
 * batch or across batches (issue 10, item 4).
 */
import { sql } from 'drizzle-orm';
import { LIMITS, type ScoreInput } from '../domain/signals.ts';
import type { Db } from './db.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** As `people[].providerScores` (src/domain/signals.ts). */
export const MAX_PROVIDERS_PER_PERSON = LIMITS.providerScores;

type Entry = { provider: string; score: number; min: number; max: number };

export interface ScoreToApply {
  /** Path of the item in the batch (`scores.12`). */
  path: string;
  /** Internal person id. */
  personId: number;
  /** The caller's id, for messages. */
  person: string;
  score: ScoreInput;
}

/**
 * Applies scores in batch order (a later score for the same person and provider wins). Scores
 * that would take a person past the limit are not applied and come back as issues at
 * `scores.N.provider` (the caller rejects the batch, or in lenient mode drops just those).
 */
export async function applyProviderScores(tx: Tx, scores: readonly ScoreToApply[]): Promise<{ stored: number; rejected: { path: string; message: string }[] }> {
  if (scores.length === 0) return { stored: 0, rejected: [] };
  const personIds = [...new Set(scores.map((s) => s.personId))];
  // Locked: two batches scoring one person must not both read the old list and lose a write.
  const current = (await tx.execute(sql`
    SELECT id, provider_scores FROM people
    WHERE id IN (SELECT jsonb_array_elements_text(${JSON.stringify(personIds)}::jsonb)::bigint)
    ORDER BY id FOR UPDATE`)) as unknown as { rows: { id: string | number; provider_scores: Entry[] | string }[] };
  const lists = new Map<number, Map<string, Entry>>();
  for (const r of current.rows) {
    const list = typeof r.provider_scores === 'string' ? (JSON.parse(r.provider_scores) as Entry[]) : r.provider_scores;
    lists.set(Number(r.id), new Map(list.map((e) => [e.provider, e])));
  }
  const rejected: { path: string; message: string }[] = [];
  let stored = 0;
  for (const s of scores) {
    const list = lists.get(s.personId);
    if (!list) continue; // cannot happen: the person was resolved in this transaction
    if (!list.has(s.score.provider) && list.size >= MAX_PROVIDERS_PER_PERSON) {
      rejected.push({
        path: `${s.path}.provider`,
        message: `person "${s.person}" already has ${MAX_PROVIDERS_PER_PERSON} providers' scores (the most a person holds); "${s.score.provider}" would be one more`,
      });
      continue;
    }
    // Delete first so a replaced provider moves to the end, as the SQL it replaces did.
    list.delete(s.score.provider);
    list.set(s.score.provider, { provider: s.score.provider, score: s.score.score, min: s.score.scale.min, max: s.score.scale.max });
    stored++;
  }
  const touched = [...new Set(scores.map((s) => s.personId))].map((id) => ({ id, ps: [...lists.get(id)!.values()] }));
  await tx.execute(sql`
    UPDATE people SET provider_scores = v.ps, updated_at = now()
    FROM jsonb_to_recordset(${JSON.stringify(touched)}::jsonb) AS v(id bigint, ps jsonb)
    WHERE people.id = v.id`);
  return { stored, rejected };
}
