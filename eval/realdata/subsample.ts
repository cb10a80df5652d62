/**
 * `--smoke`: a small deterministic slice of the kit for CI — a seeded sample of prospects and
 * the people within two trust hops of them (either direction; the prospects' own trustees first,
 * then nearer hops, then lower ids; a person whose reviews would pass the cap is left out),
 * capped by people and by reviews, with the trust edges and reviews among them and the sampled
 * prospects' truth. In-degrees stay those of people.csv (the whole network), as score.py reads them.
 * writeKit saves a slice as a kit directory, so the kit's own score.py and baselines.py can run on it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../src/domain/prng.ts';
import type { Kit } from './kit.ts';

export interface SubsampleOptions {
  prospects: number;
  maxPeople: number;
  maxReviews: number;
  seed: number;
}

export const SMOKE: SubsampleOptions = { prospects: 150, maxPeople: 1200, maxReviews: 25_000, seed: 1 };

export function subsample(kit: Kit, truth: Map<number, Set<number>>, o: SubsampleOptions): { kit: Kit; truth: Map<number, Set<number>> } {
  const rand = mulberry32(o.seed);
  const order = kit.prospects.map((p, i) => ({ p, key: rand(), i })).sort((a, b) => a.key - b.key || a.i - b.i);
  const prospects = order.slice(0, o.prospects).map((x) => x.p);
  const reviewsOf = new Map<number, number>();
  for (const u of kit.reviews.user) reviewsOf.set(u, (reviewsOf.get(u) ?? 0) + 1);
  const neighbours = new Map<number, number[]>();
  for (let e = 0; e < kit.truster.length; e++) {
    for (const [a, b] of [[kit.truster[e]!, kit.trustee[e]!], [kit.trustee[e]!, kit.truster[e]!]] as const) {
      const l = neighbours.get(a);
      if (l) l.push(b);
      else neighbours.set(a, [b]);
    }
  }
  const keep = new Set(prospects.map((p) => p.user));
  let reviews = [...keep].reduce((n, u) => n + (reviewsOf.get(u) ?? 0), 0);
  const trustees = new Set<number>();
  for (let e = 0; e < kit.truster.length; e++) if (keep.has(kit.truster[e]!)) trustees.add(kit.trustee[e]!);
  let frontier = [...keep];
  for (let hop = 0; hop < 2; hop++) {
    const first = (v: number) => (hop === 0 && trustees.has(v) ? 0 : 1);
    const next = [...new Set(frontier.flatMap((u) => neighbours.get(u) ?? []))].filter((v) => !keep.has(v)).sort((a, b) => first(a) - first(b) || a - b);
    for (const v of next) {
      if (keep.size >= o.maxPeople) break;
      const r = reviewsOf.get(v) ?? 0;
      if (reviews + r > o.maxReviews) continue;
      keep.add(v);
      reviews += r;
    }
    frontier = next.filter((v) => keep.has(v));
  }
  const edges: number[] = [];
  for (let e = 0; e < kit.truster.length; e++) if (keep.has(kit.truster[e]!) && keep.has(kit.trustee[e]!)) edges.push(e);
  const rows: number[] = [];
  for (let k = 0; k < kit.reviews.user.length; k++) if (keep.has(kit.reviews.user[k]!)) rows.push(k);
  const pick = <T extends Int32Array | Uint8Array>(a: T, idx: number[]) => {
    const out = new (a.constructor as new (n: number) => T)(idx.length);
    idx.forEach((k, i) => (out[i] = a[k]!));
    return out;
  };
  const inDegree = new Map([...kit.inDegree].filter(([v]) => keep.has(v)));
  return {
    kit: {
      dir: kit.dir,
      inDegree,
      truster: pick(kit.truster, edges),
      trustee: pick(kit.trustee, edges),
      reviews: { user: pick(kit.reviews.user, rows), item: pick(kit.reviews.item, rows), category: pick(kit.reviews.category, rows), rating: pick(kit.reviews.rating, rows) },
      prospects,
      categories: kit.categories,
    },
    truth: new Map(prospects.map((p) => [p.user, truth.get(p.user) ?? new Set<number>()])),
  };
}

/** Writes a kit (and its truth) as plain CSV files in `dir`, in the kit's column layout. */
export function writeKit(dir: string, kit: Kit, truth: Map<number, Set<number>>): void {
  mkdirSync(dir, { recursive: true });
  const csv = (name: string, header: string, lines: string[]) => writeFileSync(join(dir, `${name}.csv`), `${header}\n${lines.join('')}`);
  csv('people', 'id,trust_in_degree,n_reviews,mean_helpfulness', [...kit.inDegree].map(([v, d]) => `${v},${d},,\n`));
  csv('trust', 'truster,trustee', Array.from(kit.truster, (a, e) => `${a},${kit.trustee[e]}\n`));
  const r = kit.reviews;
  csv('reviews_train', 'user,item,category,rating,helpfulness', Array.from(r.user, (u, k) => `${u},${r.item[k]},${r.category[k]},${r.rating[k]},\n`));
  csv('prospects', 'user,derived_stage,main_category', kit.prospects.map((p) => `${p.user},${p.stage},${p.mainCategory}\n`));
  csv('truth', 'user,item,category', [...truth].flatMap(([u, items]) => [...items].map((i) => `${u},${i},0\n`)));
  csv('categories', 'id,name', [...kit.categories].map(([id, name]) => `${id},"${name.replace(/"/g, '""')}"\n`));
}
