/** A small synthetic Epinions-shaped kit for eval:realdata's tests (never the real data). */
import { mulberry32 } from '../../src/domain/prng.ts';
import type { Kit } from '../../eval/realdata/kit.ts';

/** A small kit with the real one's shape: heavy-tailed trust, several categories, repeated ratings, two stages. */
export function syntheticKit(P: number, seed = 11): { kit: Kit; truth: Map<number, Set<number>> } {
  const rand = mulberry32(seed);
  const truster: number[] = [];
  const trustee: number[] = [];
  const edges = new Set<string>();
  for (let a = 1; a <= P; a++) {
    const out = 1 + Math.floor(rand() * 8);
    for (let j = 0; j < out; j++) {
      const b = 1 + Math.floor(P * rand() ** 2.5); // low ids are popular
      if (b === a || edges.has(`${a}:${b}`)) continue;
      edges.add(`${a}:${b}`);
      truster.push(a);
      trustee.push(b);
    }
  }
  const inDegree = new Map<number, number>();
  for (let v = 1; v <= P; v++) inDegree.set(v, 0);
  for (const b of trustee) inDegree.set(b, inDegree.get(b)! + 1);
  const user: number[] = [];
  const item: number[] = [];
  const category: number[] = [];
  const rating: number[] = [];
  for (let u = 1; u <= P; u++) {
    const n = Math.floor(40 * rand() ** 2);
    const home = 1 + Math.floor(rand() * 5);
    for (let j = 0; j < n; j++) {
      const c = rand() < 0.7 ? home : 1 + Math.floor(rand() * 5);
      const it = c * 1000 + Math.floor(60 * rand() ** 1.5);
      const times = rand() < 0.05 ? 2 : 1;
      for (let t = 0; t < times; t++) {
        user.push(u);
        item.push(it);
        category.push(c);
        rating.push(1 + Math.floor(rand() * 5));
      }
    }
  }
  const truth = new Map<number, Set<number>>();
  const prospects = [];
  for (let u = 1; u <= P; u += 4) {
    const s = new Set<number>();
    for (let j = 0; j < 1 + Math.floor(rand() * 6); j++) s.add((1 + Math.floor(rand() * 5)) * 1000 + Math.floor(60 * rand() ** 1.5));
    truth.set(u, s);
    prospects.push({ user: u, stage: rand() < 0.2 ? 'consideration' : 'decision', mainCategory: 1 + Math.floor(rand() * 5) });
  }
  return {
    kit: {
      dir: '',
      inDegree,
      truster: Int32Array.from(truster),
      trustee: Int32Array.from(trustee),
      reviews: { user: Int32Array.from(user), item: Int32Array.from(item), category: Int32Array.from(category), rating: Uint8Array.from(rating) },
      prospects,
      categories: new Map([1, 2, 3, 4, 5].map((c) => [c, `Category, "${c}"`])),
    },
    truth,
  };
}

