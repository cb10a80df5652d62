import { describe, expect, it } from 'vitest';
import { buildGraph, EdgeColumns, kindIndex } from '../../src/influence/graph.ts';
import { DAMPING, topicAuthority } from '../../src/influence/pagerank.ts';
import { mulberry32 as prng } from '../../src/domain/prng.ts';


/**
 * Topic-sensitive PageRank written the textbook way — dense matrices over all n people, many
 * iterations — to check the kernel's compacted, renumbered loop against.
 */
function reference(n: number, edges: { from: number; to: number; w: number; mask: number }[], bit: number, declared: Uint32Array): Float64Array {
  const outW = new Float64Array(n);
  const hasIn = new Uint8Array(n);
  for (const e of edges) if (e.mask & bit) { outW[e.from]! += e.w; hasIn[e.to] = 1; }
  const activeSet = Array.from({ length: n }, (_, v) => outW[v]! > 0 || hasIn[v] === 1 || (declared[v]! & bit) !== 0);
  const m = activeSet.filter(Boolean).length;
  let rank = Float64Array.from(activeSet, (a) => (a ? 1 / m : 0));
  for (let it = 0; it < 500; it++) {
    let dangling = 0;
    for (let v = 0; v < n; v++) if (activeSet[v] && outW[v] === 0) dangling += rank[v]!;
    const next = Float64Array.from(activeSet, (a) => (a ? (1 - DAMPING + DAMPING * dangling) / m : 0));
    for (const e of edges) if (e.mask & bit) next[e.to]! += (DAMPING * rank[e.from]! * e.w) / outW[e.from]!;
    rank = next;
  }
  return rank;
}

describe('topicAuthority', () => {
  it('ranks each topic like a dense textbook topic-sensitive PageRank (random graph, 3 topics)', () => {
    const r = prng(7);
    const n = 120;
    const cols = new EdgeColumns();
    const kinds = ['reply', 'share', 'like', 'review'];
    for (let k = 0; k < 600; k++) {
      const from = Math.floor(r() * n);
      let to = Math.floor(r() ** 2 * n); // skewed: low ids receive more
      if (to === from) to = (to + 1) % n;
      cols.push(from, to, kindIndex(kinds[k % 4]!), 1 + Math.floor(r() * 7), 0, Math.floor(r() * 200));
    }
    const graph = buildGraph(n, cols);
    const declared = Uint32Array.from({ length: n }, () => (r() < 0.1 ? 4 : 0));
    const edges: { from: number; to: number; w: number; mask: number }[] = [];
    for (let v = 0; v < n; v++) for (let e = graph.out.offsets[v]!; e < graph.out.offsets[v + 1]!; e++) edges.push({ from: v, to: graph.out.nbr[e]!, w: graph.out.weight[e]!, mask: graph.out.topics[e]! });

    const auth = topicAuthority(graph, 3, declared);
    for (let t = 0; t < 3; t++) {
      const ref = reference(n, edges, 1 << t, declared);
      const active = ref.filter((x) => x > 0).length;
      expect(auth.active[t]).toBe(active);
      const max = Math.max(...ref);
      for (let v = 0; v < n; v++) {
        const want = ref[v]! > 0 ? Math.round((255 * Math.log1p(ref[v]! * active)) / Math.log1p(max * active)) : 0;
        expect(Math.abs(auth.levels[t]![v]! - want), `topic ${t} person ${v}`).toBeLessThanOrEqual(1);
      }
      // The most authoritative person is the reference's.
      expect(auth.levels[t]!.indexOf(255)).toBe(ref.indexOf(max));
    }
    expect(auth.edgeVisits).toBeGreaterThan(0);
  });
});
