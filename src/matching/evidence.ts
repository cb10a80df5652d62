/**
 * What people said (brand conversations: posts, reviews, threads), per person and topic, as the
 * evidence matching reads beside the interaction graph (issue 11: conversations were stored but
 * never read). The store loader (src/store/graph-load.ts loadConversationEvidence) fills it with
 * one aggregate row per (person, topic); the eval harnesses fill it from their own data. Pure.
 *
 * Masses are decayed like interaction weights: one conversation counts 0.5^(age / half-life),
 * so last quarter's reviews count half. "Positive" is sentiment > 0 (a 4–5 star review, a post
 * the sentiment model reads as favourable); unknown sentiment counts as said, not as positive.
 */

/** One aggregate: a person's conversations on one topic (topic -1: ones without a known topic). */
export interface EvidenceRow {
  person: number;
  topic: number;
  /** How many conversations, undecayed (reasons quote this). */
  count: number;
  /** How many of them were positive, undecayed. */
  positiveCount: number;
  /** Σ decayed weight of all of them. */
  mass: number;
  /** Σ decayed weight of the positive ones. */
  positiveMass: number;
  /** Σ sentiment and how many had one. */
  sentimentSum: number;
  sentimentCount: number;
  /** Age of the most recent, in days. */
  lastAgeDays: number;
}

/** Sparse per person: entries offsets[i]..offsets[i+1] are person i's topics; plus per-person totals. */
export interface ConversationEvidence {
  n: number;
  offsets: Int32Array;
  topic: Int8Array;
  count: Uint32Array;
  positiveCount: Uint32Array;
  mass: Float32Array;
  positiveMass: Float32Array;
  /** Per person over all topics (a conversation with two topics counts once here). */
  total: { count: Uint32Array; positiveCount: Uint32Array; sentiment: Float32Array; lastAgeDays: Float32Array };
}

/**
 * Builds the sparse evidence from aggregate rows (any order). `totals` are the per-person
 * figures over whole conversations (a conversation on two topics is one conversation); when
 * left out they are summed from the rows, which is exact for one topic per conversation.
 */
export function buildEvidence(n: number, rows: readonly EvidenceRow[], totals?: readonly EvidenceRow[]): ConversationEvidence {
  const offsets = new Int32Array(n + 1);
  const topical = rows.filter((r) => r.topic >= 0 && r.person >= 0 && r.person < n);
  for (const r of topical) offsets[r.person + 1]!++;
  for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
  const fill = offsets.slice(0, n);
  const m = topical.length;
  const ev: ConversationEvidence = {
    n,
    offsets,
    topic: new Int8Array(m),
    count: new Uint32Array(m),
    positiveCount: new Uint32Array(m),
    mass: new Float32Array(m),
    positiveMass: new Float32Array(m),
    total: { count: new Uint32Array(n), positiveCount: new Uint32Array(n), sentiment: new Float32Array(n).fill(Number.NaN), lastAgeDays: new Float32Array(n).fill(Number.POSITIVE_INFINITY) },
  };
  for (const r of topical) {
    const at = fill[r.person]!++;
    ev.topic[at] = r.topic;
    ev.count[at] = r.count;
    ev.positiveCount[at] = r.positiveCount;
    ev.mass[at] = r.mass;
    ev.positiveMass[at] = r.positiveMass;
  }
  const sums = new Float64Array(n);
  const counts = new Float64Array(n);
  for (const r of totals ?? rows) {
    if (r.person < 0 || r.person >= n) continue;
    ev.total.count[r.person]! += r.count;
    ev.total.positiveCount[r.person]! += r.positiveCount;
    sums[r.person]! += r.sentimentSum;
    counts[r.person]! += r.sentimentCount;
    if (r.lastAgeDays < ev.total.lastAgeDays[r.person]!) ev.total.lastAgeDays[r.person] = r.lastAgeDays;
  }
  for (let i = 0; i < n; i++) if (counts[i]! > 0) ev.total.sentiment[i] = sums[i]! / counts[i]!;
  return ev;
}

/** No conversations at all (eval:match's synthetic markets, installations that send none). */
export function emptyEvidence(n: number): ConversationEvidence {
  return buildEvidence(n, []);
}

/** Person i's entry for topic bit t, or -1. */
export function evidenceEntry(ev: ConversationEvidence, i: number, t: number): number {
  for (let e = ev.offsets[i]!, end = ev.offsets[i + 1]!; e < end; e++) if (ev.topic[e] === t) return e;
  return -1;
}
