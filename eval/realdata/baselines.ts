/**
 * The kit's four baseline matchers, on the rules of its baselines.py
 * (../shared/realdata/epinions/baselines.py; README "Baselines"), computed in the same run as
 * Sway so every figure comes from the same data. Endorsement = a train rating of 4 or 5.
 *
 *   random         k people drawn from those with ≥ 5 endorsements: random.Random(f'0:{u}').sample
 *   reach          people with ≥ 5 endorsements by trust in-degree
 *   topic_reach    people with ≥ 5 endorsements in the prospect's main category, by in-degree
 *   ties_by_topic  the prospect's own trustees with ≥ 1 endorsement, by endorsements in the
 *                  main category, then total endorsements
 * Ties go to the lower id. test/eval/realdata-baselines.test.ts checks the lists against baselines.py.
 */
import type { Kit } from './kit.ts';
import { PyRandom } from './py-random.ts';

const SEED = 0;
const MIN_ENDORSE = 5;

export const BASELINES = ['random', 'reach', 'topicReach', 'tiesByTopic'] as const;
export type BaselineName = (typeof BASELINES)[number];
/** baselines.py's file names. */
export const BASELINE_FILE_NAMES: Record<BaselineName, string> = { random: 'random', reach: 'reach', topicReach: 'topic_reach', tiesByTopic: 'ties_by_topic' };

/** prospect → influencers, best first. */
export type MatchLists = Map<number, number[]>;

export function computeBaselines(kit: Kit, k = 10): Record<BaselineName, MatchLists> {
  const trustees = new Map<number, Set<number>>();
  for (let e = 0; e < kit.truster.length; e++) {
    const a = kit.truster[e]!;
    let s = trustees.get(a);
    if (!s) trustees.set(a, (s = new Set()));
    s.add(kit.trustee[e]!);
  }
  // person → category → endorsement rows (baselines.py counts rows, not distinct items).
  const byCat = new Map<number, Map<number, number>>();
  const r = kit.reviews;
  for (let i = 0; i < r.user.length; i++) {
    if (r.rating[i]! < 4) continue;
    let m = byCat.get(r.user[i]!);
    if (!m) byCat.set(r.user[i]!, (m = new Map()));
    m.set(r.category[i]!, (m.get(r.category[i]!) ?? 0) + 1);
  }
  const total = new Map([...byCat].map(([v, m]) => [v, [...m.values()].reduce((a, b) => a + b, 0)]));
  const deg = (v: number) => kit.inDegree.get(v) ?? 0;
  const reachOrder = (a: number, b: number) => deg(b) - deg(a) || a - b;
  const active = [...total.keys()].filter((v) => total.get(v)! >= MIN_ENDORSE).sort(reachOrder);
  const topic = new Map<number, number[]>();
  for (const c of new Set(kit.prospects.map((p) => p.mainCategory))) {
    topic.set(c, [...byCat.keys()].filter((v) => (byCat.get(v)!.get(c) ?? 0) >= MIN_ENDORSE).sort(reachOrder));
  }
  const pool = active.slice().sort((a, b) => a - b);
  const poolIndex = new Map(pool.map((v, i) => [v, i]));
  const firstK = (u: number, ranked: number[]) => ranked.slice(0, k + 1).filter((v) => v !== u).slice(0, k);

  const out = Object.fromEntries(BASELINES.map((b) => [b, new Map()])) as Record<BaselineName, MatchLists>;
  for (const { user: u, mainCategory: c } of kit.prospects) {
    const at = poolIndex.get(u);
    out.random.set(u, new PyRandom(`${SEED}:${u}`).sample(at === undefined ? pool : [...pool.slice(0, at), ...pool.slice(at + 1)], k));
    out.reach.set(u, firstK(u, active));
    out.topicReach.set(u, firstK(u, topic.get(c)!));
    const inCat = (v: number) => byCat.get(v)?.get(c) ?? 0;
    out.tiesByTopic.set(
      u,
      [...(trustees.get(u) ?? [])]
        .filter((v) => (total.get(v) ?? 0) > 0)
        .sort((a, b) => inCat(b) - inCat(a) || total.get(b)! - total.get(a)! || a - b)
        .slice(0, k),
    );
  }
  return out;
}
