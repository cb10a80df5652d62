import { describe, expect, it } from 'vitest';
import { buildGraph, EdgeColumns, kindIndex, TopicDictionary } from '../../src/influence/graph.ts';
import { plainPageRank, topicAuthority } from '../../src/influence/pagerank.ts';
import { reasonFor, drivingComponents } from '../../src/matching/reason.ts';
import { matchProspect, Scratch, type Prospect } from '../../src/matching/score.ts';
import { buildGlobalSignals, Codes, topByScore, type PeopleColumns } from '../../src/matching/signals.ts';
import { DEFAULT_STAGE_WEIGHTS, resolveStageWeights } from '../../src/matching/weights.ts';
import { effectiveness } from '../../src/matching/effectiveness.ts';

/** A small market: 0 = prospect Dana; 1 = Sam, her close contact; 2 = Hub, a big topical voice; 3..9 = others. */
function market() {
  const n = 10;
  const topics = new TopicDictionary(new Map([['crm', 10], ['ai', 5]]));
  const cols = new EdgeColumns();
  const crm = topics.mask(['crm']);
  // Dana replies to Sam 3×, shares Sam's posts twice, recently.
  for (let k = 0; k < 3; k++) cols.push(0, 1, kindIndex('reply'), crm, 0.5, 2 + k);
  for (let k = 0; k < 2; k++) cols.push(0, 1, kindIndex('share'), crm, 0.5, 4);
  // Everyone 3..9 engages with Hub about crm: Hub is the crm authority.
  for (let u = 3; u < n; u++) cols.push(u, 2, kindIndex('share'), crm, 0.2, 10);
  // Dana liked Hub once, long ago.
  cols.push(0, 2, kindIndex('like'), crm, 0, 300);
  const graph = buildGraph(n, cols);
  const codes = { industry: new Codes(), region: new Codes(), companySize: new Codes() };
  const people: PeopleColumns = {
    n,
    ids: Float64Array.from({ length: n }, (_, i) => i + 100),
    audience: Float64Array.from({ length: n }, (_, i) => (i === 2 ? 2_000_000 : 300)),
    industry: Int32Array.from({ length: n }, (_, i) => (i === 1 || i === 0 ? codes.industry.code('Software') : -1)),
    region: new Int32Array(n).fill(-1),
    companySize: new Int32Array(n).fill(-1),
    topics: new Uint32Array(n),
    customer: Uint8Array.from({ length: n }, (_, i) => (i === 1 ? 1 : 0)),
    sentiment: Float32Array.from({ length: n }, (_, i) => (i === 1 ? 0.6 : Number.NaN)),
    advocateFlag: new Uint8Array(n),
  };
  const auth = topicAuthority(graph, topics.names.length, people.topics);
  const signals = buildGlobalSignals(people, topics.names, auth.levels, codes);
  return { graph, signals, auth, codes };
}

const dana = (stage: Prospect['stage'], industry: number): Prospect => ({ index: 0, stage, industry, region: -1, companySize: -1, topics: 0 });

describe('matching engine', () => {
  it('ranks the topical hub first at awareness and the close customer first at decision', () => {
    const { graph, signals, codes } = market();
    const scratch = new Scratch(graph.n);
    const weights = resolveStageWeights();
    const ind = codes.industry.lookup('software');
    const aware = matchProspect(dana('awareness', ind), graph, signals, scratch, { weights });
    const decide = matchProspect(dana('decision', ind), graph, signals, scratch, { weights });
    expect(aware[0]!.influencer).toBe(2);
    expect(decide[0]!.influencer).toBe(1);
    expect(aware.map((m) => m.influencer)).not.toContain(0);
    // Scores are the weighted sums of the values.
    const m = decide[0]!;
    expect(m.score).toBeCloseTo(Object.values(m.contributions).reduce((a, b) => a + b, 0), 6);
  });

  it('measured outcomes move an influencer at that stage only, shrunk while thin', () => {
    const { graph, signals, codes } = market();
    const scratch = new Scratch(graph.n);
    const weights = resolveStageWeights();
    const ind = codes.industry.lookup('software');
    const base = matchProspect(dana('awareness', ind), graph, signals, scratch, { weights });
    const samAt = (ms: ReturnType<typeof matchProspect>) => ms.find((m) => m.influencer === 1);
    // Sam (index 1) converted 40 of 100 prospects at awareness: twice the prior rate or better.
    const outcomes = new Map([['1:awareness', { wins: 40, trials: 100 }]]);
    const learned = matchProspect(dana('awareness', ind), graph, signals, scratch, { weights, outcomes });
    expect(samAt(learned)!.values.effectiveness).toBe(1);
    expect(samAt(learned)!.score).toBeGreaterThan(samAt(base)!.score);
    expect(samAt(base)!.values.effectiveness).toBe(0.5);
    // The same outcomes say nothing about the decision stage.
    expect(samAt(matchProspect(dana('decision', ind), graph, signals, scratch, { weights, outcomes }))!.values.effectiveness).toBe(0.5);
  });

  it('writes reasons that name the signals that drove the choice', () => {
    const { graph, signals, codes } = market();
    const scratch = new Scratch(graph.n);
    const weights = resolveStageWeights();
    const p = dana('decision', codes.industry.lookup('software'));
    const [m] = matchProspect(p, graph, signals, scratch, { weights });
    expect(drivingComponents(m!)[0]).toBe('tie');
    const reason = reasonFor(p, m!, { graph, signals, prospectName: 'Dana', influencerName: 'Sam' });
    expect(reason).toMatch(/^Decision stage: Dana replied to Sam 3× and shared Sam's posts 2×, last 2 days ago/);
    expect(reason).toContain('same industry as Dana');
    const pa = dana('awareness', -1);
    const [hub] = matchProspect(pa, graph, signals, scratch, { weights });
    const r2 = reasonFor(pa, hub!, { graph, signals, prospectName: 'Dana', influencerName: 'Hub', audience: 2_000_000 });
    expect(r2).toMatch(/^Awareness stage: /);
    expect(r2).toContain('a leading voice on crm');
    expect(r2).toContain('audience of 2M');
  });

  it('topic PageRank makes the most-endorsed person the authority and converges', () => {
    const { auth } = market();
    expect(auth.levels[0]![2]).toBe(255);
    expect(auth.levels[0]![1]).toBeLessThan(255);
    expect(auth.levels[1]!.every((v) => v === 0)).toBe(true); // nobody talks about ai
    expect(auth.iterations[0]).toBeLessThan(50);
  });

  it('plain PageRank sums to ~1 on a graph without dangling mass loss', () => {
    const { graph } = market();
    const { rank } = plainPageRank(graph, 30);
    expect(rank.every((r) => r > 0)).toBe(true);
  });

  it('stage weights: overrides renormalise rows; defaults sum to 1', () => {
    for (const row of Object.values(DEFAULT_STAGE_WEIGHTS)) expect(Object.values(row).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const w = resolveStageWeights({ decision: { reach: 1 } });
    expect(Object.values(w.decision).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(w.decision.reach).toBeCloseTo(0.5, 9);
  });

  it('effectiveness shrinks thin data to the prior', () => {
    expect(effectiveness(undefined)).toBe(0.5);
    expect(effectiveness({ wins: 1, trials: 1 })).toBeLessThan(0.6);
    expect(effectiveness({ wins: 50, trials: 100 })).toBe(1);
    expect(effectiveness({ wins: 0, trials: 500 })).toBeLessThan(0.1);
  });

  it('topByScore keeps the k best in order', () => {
    const s = [5, 1, 9, -1, 7, 9];
    expect([...topByScore(s.length, 3, (i) => s[i]!)]).toEqual([2, 5, 4]);
  });
});

describe('scratch buffers', () => {
  it('a full candidate list leaves no value behind for the next prospect', () => {
    const n = 12;
    const cols = new EdgeColumns();
    for (let i = 2; i < n; i++) cols.push(0, i, kindIndex('reply'), 0, 0, 1); // prospect 0 engages 10 people
    cols.push(1, 9, kindIndex('like'), 0, 0, 1); // prospect 1 liked person 9 once (dropped from prospect 0's full list)
    const graph = buildGraph(n, cols);
    const codes = { industry: new Codes(), region: new Codes(), companySize: new Codes() };
    const people: PeopleColumns = {
      n, ids: Float64Array.from({ length: n }, (_, i) => i), audience: new Float64Array(n).fill(Number.NaN),
      industry: new Int32Array(n).fill(-1), region: new Int32Array(n).fill(-1), companySize: new Int32Array(n).fill(-1),
      topics: new Uint32Array(n), customer: new Uint8Array(n), sentiment: new Float32Array(n).fill(Number.NaN), advocateFlag: new Uint8Array(n),
    };
    const signals = buildGlobalSignals(people, [], [], codes);
    const weights = resolveStageWeights();
    const p1 = { index: 1, stage: 'decision' as const, industry: -1, region: -1, companySize: -1, topics: 0 };
    const fresh = matchProspect(p1, graph, signals, new Scratch(n), { weights });
    const small = new Scratch(n, 4);
    matchProspect({ ...p1, index: 0 }, graph, signals, small, { weights });
    const after = matchProspect(p1, graph, signals, small, { weights });
    expect(after.map((m) => [m.influencer, m.values.tie])).toEqual(fresh.map((m) => [m.influencer, m.values.tie]));
  });
});
