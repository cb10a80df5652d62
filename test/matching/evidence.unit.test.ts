/**
 * Conversation evidence in matching (src/matching/evidence.ts, signals.ts, score.ts): what people
 * say decides the prospect's topics, topical authority, the topical fit of ties and graded
 * advocacy (issue 11). Small hand-built markets, the pure engine only.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph, EdgeColumns, kindIndex, TopicDictionary } from '../../src/influence/graph.ts';
import { topicAuthority } from '../../src/influence/pagerank.ts';
import { buildEvidence, type EvidenceRow } from '../../src/matching/evidence.ts';
import { matchProspect, prospectTopics, Scratch, type Prospect } from '../../src/matching/score.ts';
import { advocacyValue, buildGlobalSignals, Codes, withConversationLevels, type PeopleColumns } from '../../src/matching/signals.ts';
import { decodeSnapshot, encodeSnapshot, isCurrentSnapshot } from '../../src/matching/snapshot.ts';
import { resolveStageWeights } from '../../src/matching/weights.ts';

const dict = new TopicDictionary(new Map([['crm', 10], ['golf', 5]]));
const CRM = dict.bit('crm');
const GOLF = dict.bit('golf');

function people(n: number, over: Partial<PeopleColumns> = {}): PeopleColumns {
  return {
    n,
    ids: Float64Array.from({ length: n }, (_, i) => i + 1),
    audience: new Float64Array(n).fill(Number.NaN),
    industry: new Int32Array(n).fill(-1),
    region: new Int32Array(n).fill(-1),
    companySize: new Int32Array(n).fill(-1),
    topics: new Uint32Array(n),
    customer: new Uint8Array(n),
    sentiment: new Float32Array(n).fill(Number.NaN),
    advocateFlag: new Uint8Array(n),
    ...over,
  };
}

/** `count` conversations of person on topic bit, `positive` of them positive. */
const said = (person: number, topic: number, count: number, positive = count): EvidenceRow => ({
  person,
  topic,
  count,
  positiveCount: positive,
  mass: count,
  positiveMass: positive,
  sentimentSum: positive * 0.8 - (count - positive) * 0.5,
  sentimentCount: count,
  lastAgeDays: 1,
});

function engine(n: number, edges: [number, number][], rows: EvidenceRow[], over: Partial<PeopleColumns> = {}) {
  const cols = new EdgeColumns();
  for (const [a, b] of edges) cols.push(a, b, kindIndex('follow'), 0, Number.NaN, 1);
  const graph = buildGraph(n, cols);
  const cols2 = people(n, over);
  const evidence = buildEvidence(n, rows);
  const auth = topicAuthority(graph, dict.names.length, cols2.topics);
  const signals = buildGlobalSignals(cols2, dict.names, auth.levels, { industry: new Codes(), region: new Codes(), companySize: new Codes() }, { evidence, graph });
  return { graph, signals, scratch: new Scratch(n) };
}

const prospect = (index: number, stage: Prospect['stage'], topics = 0): Prospect => ({ index, stage, industry: -1, region: -1, companySize: -1, topics });
const weights = resolveStageWeights();

describe('conversation evidence in matching', () => {
  it("the prospect's own conversations set its topics", () => {
    const { graph, signals, scratch } = engine(3, [[0, 1]], [said(0, GOLF, 4), said(0, CRM, 1)]);
    const topics = prospectTopics(prospect(0, 'decision'), graph, scratch, signals);
    expect(topics.map((t) => t.bit)).toEqual([GOLF, CRM]);
    expect(topics[0]!.share).toBeGreaterThan(topics[1]!.share);
  });

  it('a tie who endorses the prospect topic outranks an equally close tie who talks about something else', () => {
    // 0 follows 1 and 2 alike; 1 posts only about golf, 2 praises crm, which the prospect talks about.
    const { graph, signals, scratch } = engine(3, [[0, 1], [0, 2]], [said(0, CRM, 3), said(1, GOLF, 6), said(2, CRM, 6)]);
    const [first, second] = matchProspect(prospect(0, 'decision'), graph, signals, scratch, { weights, topK: 2 });
    expect(first!.influencer).toBe(2);
    expect(second!.influencer).toBe(1);
    expect(first!.values.tie).toBeGreaterThan(second!.values.tie);
    expect(first!.relevance).toBeGreaterThan(0.8);
    expect(second!.relevance).toBe(0);
  });

  it('topical authority comes from endorsements on the topic, not from bare labels or follower counts', () => {
    // 1 declares crm and golf and is followed by 3..9; 2 follows nobody's lead but wrote 20 positive crm posts.
    const edges: [number, number][] = Array.from({ length: 7 }, (_, k) => [k + 3, 1]);
    const topics = new Uint32Array(10);
    topics[1] = (1 << CRM) | (1 << GOLF);
    const { graph, signals, scratch } = engine(10, edges, [said(0, CRM, 2), said(2, CRM, 20), said(1, GOLF, 1)], { topics });
    expect(signals.authority[CRM]![1]).toBe(0); // a label and followers, nothing said on crm
    expect(signals.authority[CRM]![2]).toBe(255);
    const [best] = matchProspect(prospect(0, 'awareness'), graph, signals, scratch, { weights, topK: 1 });
    expect(best!.influencer).toBe(2);
  });

  it('advocacy is graded by positive evidence, and an unhappy customer is no advocate', () => {
    expect(advocacyValue(1, 0.6, 0, 6)).toBeGreaterThan(advocacyValue(1, 0.6, 0, 1));
    expect(advocacyValue(1, -0.2, 0, 6)).toBe(0);
    // No conversations known for anyone: not graded (eval:match's markets, older installations).
    expect(advocacyValue(1, 0.6, 0, -1)).toBeCloseTo(0.7 * 0.8, 6);
    const customer = Uint8Array.from([0, 1, 1]);
    const sentiment = Float32Array.from([Number.NaN, 0.6, 0.6]);
    const { signals } = engine(3, [], [said(1, CRM, 6), said(2, CRM, 1)], { customer, sentiment });
    expect(signals.advocacy[1]).toBeGreaterThan(signals.advocacy[2]!);
  });

  it('the snapshot keeps the conversation levels; an older snapshot reads as none', () => {
    const { signals } = engine(4, [[0, 1]], [said(1, CRM, 5, 3), said(2, GOLF, 2)], { customer: Uint8Array.from([0, 1, 0, 0]) });
    const back = decodeSnapshot(encodeSnapshot(signals));
    expect([...back.spoke[CRM]!]).toEqual([...signals.spoke[CRM]!]);
    expect([...back.endorsed[CRM]!]).toEqual([...signals.endorsed[CRM]!]);
    expect([...back.said]).toEqual([0, 1, 1, 0]);
    expect([...back.customer]).toEqual([0, 1, 0, 0]);
    const old = Buffer.from(encodeSnapshot(signals));
    old.write('SWAYSNAP1', old.indexOf('SWAYSNAP2'));
    expect(isCurrentSnapshot(old)).toBe(false);
    // An incremental run's prospect gets its fresh conversations.
    const fresh = withConversationLevels(back, buildEvidence(4, [said(3, GOLF, 2)]), [3]);
    expect(fresh.said[3]).toBe(1);
    expect(fresh.spoke[GOLF]![3]).toBeGreaterThan(0);
    expect(back.said[3]).toBe(0);
  });
});
