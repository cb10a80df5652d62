/**
 * Topical authority: topic-sensitive PageRank (Haveliwala 2002; TwitterRank, Weng et al. 2010)
 * over the engagement graph. For each topic t, rank flows along interactions labelled t, in
 * proportion to their decayed weight, and teleports only to people active in t. So a person is
 * an authority on t when people who are themselves authorities on t engage with them about t —
 * not when they are merely loud. Pure, typed arrays only.
 *
 * The kernel is a pull loop over a per-topic in-CSR with pre-normalised weights; `plainPageRank`
 * is the textbook loop bench:match measures it against.
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
  const tele = new Float64Array(n);
  for (let t = 0; t < topicCount; t++) {
    const bit = (1 << t) >>> 0;
    const sub = topicSubgraph(graph, bit, outW);
    // Teleport: uniform over people with a t-interaction or a declared t topic.
    let activeCount = 0;
    tele.fill(0);
    for (let v = 0; v < n; v++) {
      if (outW[v]! > 0 || sub.offsets[v + 1]! > sub.offsets[v]! || (personTopics[v]! & bit) !== 0) {
        tele[v] = 1;
        activeCount++;
      }
    }
    const level = new Uint8Array(n);
    levels.push(level);
    active.push(activeCount);
    if (activeCount === 0) {
      iterations.push(0);
      continue;
    }
    for (let v = 0; v < n; v++) tele[v]! /= activeCount;
    const started = performance.now();
    const { rank, iterations: it } = iterate(n, sub.offsets, sub.src, sub.w, outW, tele);
    kernelSeconds += (performance.now() - started) / 1000;
    edgeVisits += it * sub.src.length;
    iterations.push(it);
    let max = 0;
    for (let v = 0; v < n; v++) if (rank[v]! > max) max = rank[v]!;
    const scale = activeCount;
    const denom = Math.log1p(max * scale);
    for (let v = 0; v < n; v++) if (tele[v]! > 0) level[v] = Math.round((255 * Math.log1p(rank[v]! * scale)) / denom);
  }
  return { levels, active, iterations, edgeVisits, kernelSeconds };
}

/** In-edges labelled with `bit`, weights divided by the source's total t-weight (filled into outW). */
function topicSubgraph(graph: InteractionGraph, bit: number, outW: Float64Array): { offsets: Int32Array; src: Int32Array; w: Float32Array } {
  const { n } = graph;
  const { offsets: inOff, nbr, weight, topics } = graph.in;
  outW.fill(0);
  const offsets = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    let c = 0;
    for (let e = inOff[v]!, end = inOff[v + 1]!; e < end; e++) {
      if ((topics[e]! & bit) !== 0) {
        c++;
        outW[nbr[e]!]! += weight[e]!;
      }
    }
    offsets[v + 1] = offsets[v]! + c;
  }
  const src = new Int32Array(offsets[n]!);
  const w = new Float32Array(offsets[n]!);
  let at = 0;
  for (let v = 0; v < n; v++) {
    for (let e = inOff[v]!, end = inOff[v + 1]!; e < end; e++) {
      if ((topics[e]! & bit) !== 0) {
        const u = nbr[e]!;
        src[at] = u;
        w[at++] = weight[e]! / outW[u]!;
      }
    }
  }
  return { offsets, src, w };
}

/** Power iteration, pull form. Rank of people without out-edges (dangling) returns by teleport. */
function iterate(n: number, offsets: Int32Array, src: Int32Array, w: Float32Array, outW: Float64Array, tele: Float64Array) {
  let rank = Float64Array.from(tele);
  let next = new Float64Array(n);
  let it = 0;
  while (it < MAX_ITERATIONS) {
    it++;
    let dangling = 0;
    for (let u = 0; u < n; u++) if (outW[u] === 0) dangling += rank[u]!;
    let delta = 0;
    for (let v = 0; v < n; v++) {
      let s = 0;
      for (let e = offsets[v]!, end = offsets[v + 1]!; e < end; e++) s += rank[src[e]!]! * w[e]!;
      const r = (1 - DAMPING + DAMPING * dangling) * tele[v]! + DAMPING * s;
      delta += Math.abs(r - rank[v]!);
      next[v] = r;
    }
    [rank, next] = [next, rank];
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
