/**
 * The interaction graph as CSR typed arrays (DESIGN.md "The matching model"). Pure: the store
 * loader (src/store/graph-load.ts) fills an EdgeColumns; this module turns it into adjacency.
 *
 * Direction: an interaction from u to v means u engaged with v (u replied to, shared, liked,
 * mentioned, reviewed, referred or followed v). That is an endorsement of v by u, so topical
 * authority (PageRank) flows u → v along `out`; and it is v reaching u, so v's influence on u
 * (tie strength) is read from u's `out` list, with direct outreach from v to u read from u's
 * `in` list.
 *
 * Parallel edges are kept (one entry per interaction) so reasons can count them ("replied 3×").
 * At 10M interactions both directions take ~21 bytes per edge each: ~420 MB.
 */
import { INTERACTION_KINDS, type InteractionKind } from '../domain/signals.ts';
import { KIND_WEIGHTS } from './score.ts';

/** Topics beyond this many (the most frequent win) are left out of topic masks. */
export const MAX_TOPICS = 32;
export const DEFAULT_HALF_LIFE_DAYS = 90;

/** Kind index (position in INTERACTION_KINDS) → weight before decay; the influence score's weights. */
export const KIND_WEIGHT_BY_INDEX = Float32Array.from(INTERACTION_KINDS.map((k) => KIND_WEIGHTS[k]));
export const kindIndex = (kind: string): number => (INTERACTION_KINDS as readonly string[]).indexOf(kind);
export const kindName = (index: number): InteractionKind => INTERACTION_KINDS[index]!;

/** Growable columns of interactions, endpoints as dense person indices. */
export class EdgeColumns {
  count = 0;
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  kind = new Uint8Array(1024);
  topics = new Uint32Array(1024);
  sentiment = new Float32Array(1024);
  ageDays = new Float32Array(1024);

  push(from: number, to: number, kind: number, topicMask: number, sentiment: number, ageDays: number): void {
    if (this.count === this.from.length) this.grow();
    const i = this.count++;
    this.from[i] = from;
    this.to[i] = to;
    this.kind[i] = kind;
    this.topics[i] = topicMask;
    this.sentiment[i] = sentiment; // NaN when unknown
    this.ageDays[i] = ageDays;
  }

  private grow(): void {
    const size = this.from.length * 2;
    const re = <T extends Int32Array | Uint8Array | Uint32Array | Float32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.from = re(this.from);
    this.to = re(this.to);
    this.kind = re(this.kind);
    this.topics = re(this.topics);
    this.sentiment = re(this.sentiment);
    this.ageDays = re(this.ageDays);
  }
}

/** One direction of adjacency: entries offsets[v]..offsets[v+1] belong to node v. */
export interface Csr {
  offsets: Int32Array;
  /** The other endpoint. */
  nbr: Int32Array;
  /** Kind weight × 0.5^(age / half-life). */
  weight: Float32Array;
  topics: Uint32Array;
  kind: Uint8Array;
  ageDays: Float32Array;
}

export interface InteractionGraph {
  n: number;
  edges: number;
  /** By the engaging person u: whom u engaged with. */
  out: Csr;
  /** By the person engaged with v: who engaged with v. */
  in: Csr;
  /** Σ weight of u's out-edges (PageRank normalisation). */
  outWeight: Float64Array;
}

/** Builds both CSR directions by counting sort: O(n + edges), no per-edge objects. */
export function buildGraph(n: number, cols: EdgeColumns, halfLifeDays = DEFAULT_HALF_LIFE_DAYS): InteractionGraph {
  const m = cols.count;
  const weight = new Float32Array(m);
  const outWeight = new Float64Array(n);
  const decay = Math.LN2 / halfLifeDays;
  for (let e = 0; e < m; e++) {
    const w = KIND_WEIGHT_BY_INDEX[cols.kind[e]!]! * Math.exp(-decay * Math.max(0, cols.ageDays[e]!));
    weight[e] = w;
    outWeight[cols.from[e]!]! += w;
  }
  return {
    n,
    edges: m,
    out: csr(n, m, cols.from, cols.to, cols, weight),
    in: csr(n, m, cols.to, cols.from, cols, weight),
    outWeight,
  };
}

function csr(n: number, m: number, key: Int32Array, other: Int32Array, cols: EdgeColumns, weight: Float32Array): Csr {
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < m; e++) offsets[key[e]! + 1]!++;
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!;
  const fill = offsets.slice(0, n);
  const out: Csr = {
    offsets,
    nbr: new Int32Array(m),
    weight: new Float32Array(m),
    topics: new Uint32Array(m),
    kind: new Uint8Array(m),
    ageDays: new Float32Array(m),
  };
  for (let e = 0; e < m; e++) {
    const at = fill[key[e]!]!++;
    out.nbr[at] = other[e]!;
    out.weight[at] = weight[e]!;
    out.topics[at] = cols.topics[e]!;
    out.kind[at] = cols.kind[e]!;
    out.ageDays[at] = cols.ageDays[e]!;
  }
  return out;
}

/**
 * Topic names → bit positions, most frequent first, at most MAX_TOPICS. Built by the loader from
 * topic frequencies so the same installation gets a stable order between runs with the same data.
 */
export class TopicDictionary {
  readonly names: string[];
  private readonly bits = new Map<string, number>();
  constructor(frequencies: ReadonlyMap<string, number>) {
    this.names = [...frequencies]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_TOPICS)
      .map(([t]) => t);
    this.names.forEach((t, i) => this.bits.set(t, i));
  }
  bit(topic: string): number {
    return this.bits.get(topic) ?? -1;
  }
  mask(topics: Iterable<string>): number {
    let m = 0;
    for (const t of topics) {
      const b = this.bits.get(t);
      if (b !== undefined) m |= 1 << b;
    }
    return m >>> 0;
  }
}
