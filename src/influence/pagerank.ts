/**
 * Topical authority: topic-sensitive PageRank (Haveliwala 2002; TwitterRank, Weng et al. 2010)
 * over the engagement graph. For each topic t, rank flows along interactions labelled t, in
 * proportion to their decayed weight, and teleports only to people active in t. So a person is
 * an authority on t when people who are themselves authorities on t engage with them about t —
 * not when they are merely loud. Pure, typed arrays only.
 *
 * The kernel is a pull loop over a per-topic in-CSR of the topic's active people only, with
 * pre-normalised weights; `plainPageRank` is the textbook loop bench:match measures it against.
 */
import type { InteractionGraph } from './graph.ts';

export const DAMPING = 0.85;
/** Stop when the L1 change of a topic's rank vector is below this (ranks sum to 1). */
export const TOLERANCE = 1e-6;
export const MAX_ITERATIONS = 50;

export interface TopicAuthority {
  /** Per topic, per person: authority scaled to 0..255 (see `authorityLevel`); 0 when inactive in the topic. */
  levels: Uint8Array[];
  /** People active in each topic (the teleport set). */
  active: number[];
  iterations: number[];
  /** Edge entries visited by the iteration loops, and their time: the kernel's edges/s. */
  edgeVisits: number;
  kernelSeconds: number;
}

/**
 * Authority as a level 0..255: log(1 + r) / log(1 + rMax) where r is rank × active people (1 is
 * an average active person). The log keeps a heavy-tailed rank usable next to 0..1 signals; one
 * byte per person and topic keeps 1M people × 32 topics at 32 MB, and makes full and
 * incremental runs read exactly the same values.
 */
export function topicAuthority(graph: InteractionGraph, topicCount: number, personTopics: Uint32Array): TopicAuthority {
  const { n } = graph;
  const levels: Uint8Array[] = [];
  const active: number[] = [];
  const iterations: number[] = [];
  let edgeVisits = 0;
  let kernelSeconds = 0;
  const outW = new Float64Array(n);
  const local = new Int32Array(n).fill(-1);
  for (let t = 0; t < topicCount; t++) {
    const bit = (1 << t) >>> 0;
    const sub = topicSubgraph(graph, bit, personTopics, outW, local);
    const m = sub.members.length;
    const level = new Uint8Array(n);
    levels.push(level);
    active.push(m);
    // Nobody engaged anybody about t: every active person would rank the same and get the top
    // level from a bare label (issue 11: authority collapsed to whoever declared the most
    // topics). No engagement, no PageRank authority; conversation evidence may still give some.
    if (m === 0 || sub.src.length === 0) {
      iterations.push(0);
      continue;
    }
    const started = performance.now();
    const { rank, iterations: it } = iterate(m, sub.senders, sub.offsets, sub.src, sub.w);
    kernelSeconds += (performance.now() - started) / 1000;
    edgeVisits += it * sub.src.length;
    iterations.push(it);
    let max = 0;
    for (let i = 0; i < m; i++) if (rank[i]! > max) max = rank[i]!;
    // rank × m: 1 is an average active person.
    const denom = Math.log1p(max * m);
    for (let i = 0; i < m; i++) level[sub.members[i]!] = Math.round((255 * Math.log1p(rank[i]! * m)) / denom);
  }
  return { levels, active, iterations, edgeVisits, kernelSeconds };
}

/**
 * The topic's subgraph over its active people only (a t-interaction either way, or t declared),
 * renumbered 0..m-1 with senders (people with t out-weight) first, so the iteration never
 * touches the rest of the graph and finds the dangling mass as one contiguous range. In-edges
 * labelled `bit`, weights divided by the sender's total t-weight. `outW` and `local` are
 * scratch of length n (`local` is all -1 on entry and exit).
 */
function topicSubgraph(graph: InteractionGraph, bit: number, personTopics: Uint32Array, outW: Float64Array, local: Int32Array) {
  const { n } = graph;
  const { offsets: inOff, nbr, weight, topics } = graph.in;
  outW.fill(0);
  const inCount = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    for (let e = inOff[v]!, end = inOff[v + 1]!; e < end; e++) {
      if ((topics[e]! & bit) !== 0) {
        inCount[v]!++;
        outW[nbr[e]!]! += weight[e]!;
      }
    }
  }
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (outW[v]! > 0) order.push(v);
  const senders = order.length;
  for (let v = 0; v < n; v++) if (outW[v] === 0 && (inCount[v]! > 0 || (personTopics[v]! & bit) !== 0)) order.push(v);
  const members = Int32Array.from(order);
  const m = members.length;
  for (let i = 0; i < m; i++) local[members[i]!] = i;
  const offsets = new Int32Array(m + 1);
  for (let i = 0; i < m; i++) offsets[i + 1] = offsets[i]! + inCount[members[i]!]!;
  const src = new Int32Array(offsets[m]!);
  const w = new Float32Array(offsets[m]!);
  for (let i = 0; i < m; i++) {
    const v = members[i]!;
    let at = offsets[i]!;
    for (let e = inOff[v]!, end = inOff[v + 1]!; e < end; e++) {
      if ((topics[e]! & bit) !== 0) {
        const u = nbr[e]!;
        src[at] = local[u]!;
        w[at++] = weight[e]! / outW[u]!;
      }
    }
  }
  for (let i = 0; i < m; i++) local[members[i]!] = -1;
  return { members, senders, offsets, src, w };
}

/**
 * Power iteration, pull form, over m active people with uniform teleport 1/m. People from
 * `senders` on have no out-weight (dangling): their rank returns by teleport.
 */
function iterate(m: number, senders: number, offsets: Int32Array, src: Int32Array, w: Float32Array) {
  let rank = new Float64Array(m).fill(1 / m);
  let next = new Float64Array(m);
  let dangling = (m - senders) / m;
  let it = 0;
  while (it < MAX_ITERATIONS) {
    it++;
    const base = (1 - DAMPING + DAMPING * dangling) / m;
    let delta = 0;
    let nextDangling = 0;
    for (let v = 0; v < m; v++) {
      let s = 0;
      for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) s += rank[src[e]!]! * w[e]!;
      const r = base + DAMPING * s;
      delta += Math.abs(r - rank[v]!);
      next[v] = r;
      if (v >= senders) nextDangling += r;
    }
    [rank, next] = [next, rank];
    dangling = nextDangling;
    if (delta < TOLERANCE) break;
  }
  return { rank, iterations: it };
}

/**
 * The ceiling bench:match compares the kernel with: unweighted PageRank over the whole in-CSR,
 * fixed iterations, no topics, no convergence test. Returns edges visited per second.
 */
export function plainPageRank(graph: InteractionGraph, iterations: number): { edgesPerSecond: number; rank: Float64Array } {
  const { n } = graph;
  const { offsets, nbr } = graph.in;
  const outDeg = new Float64Array(n);
  for (let u = 0; u < n; u++) outDeg[u] = graph.out.offsets[u + 1]! - graph.out.offsets[u]!;
  let rank = new Float64Array(n).fill(1 / n);
  let next = new Float64Array(n);
  const contrib = new Float64Array(n);
  const started = performance.now();
  for (let it = 0; it < iterations; it++) {
    for (let u = 0; u < n; u++) contrib[u] = outDeg[u]! > 0 ? rank[u]! / outDeg[u]! : 0;
    for (let v = 0; v < n; v++) {
      let s = 0;
      for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) s += contrib[nbr[e]!]!;
      next[v] = (1 - DAMPING) / n + DAMPING * s;
    }
    [rank, next] = [next, rank];
  }
  const seconds = (performance.now() - started) / 1000;
  return { edgesPerSecond: (iterations * nbr.length) / Math.max(seconds, 1e-9), rank };
}
