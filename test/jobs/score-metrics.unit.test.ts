import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../src/jobs/score.ts';

const now = new Date('2026-11-20T00:00:00Z');
const person = (id: number, providerScores: { provider: string; score: number; min: number; max: number }[]) => ({ id, audienceSize: null, topics: [], providerScores });

describe('computeMetrics', () => {
  it('normalises provider scores to percentiles within the installation, whatever their scale', () => {
    // Kred runs 0..1000, Klout 0..100: each person tops their own provider's range here.
    const m = computeMetrics(
      [
        person(1, [{ provider: 'kred', score: 300, min: 0, max: 1000 }]),
        person(2, [{ provider: 'kred', score: 310, min: 0, max: 1000 }]),
        person(3, [{ provider: 'klout', score: 20, min: 0, max: 100 }]),
        person(4, [{ provider: 'klout', score: 90, min: 0, max: 100 }]),
      ],
      [],
      now,
    );
    // Raw min-max would give person 2 (310/1000) far less than person 4 (90/100); as
    // percentiles both are the top of their provider and score the same.
    expect(m.get(2)!.influenceScore).toBe(m.get(4)!.influenceScore);
    expect(m.get(1)!.influenceScore).toBe(m.get(3)!.influenceScore);
    expect(m.get(2)!.influenceScore).toBeGreaterThan(m.get(1)!.influenceScore);
  });

  it('conversations decide brand sentiment, the advocate flag, topics and the 30-day count when a person has any', () => {
    const at = new Date(now.getTime() - 2 * 86_400_000);
    const edges = [1, 2, 3].map(() => ({ from: 1, to: 2, kind: 'reply', topics: ['golf'], sentiment: -0.5, occurredAt: at }));
    const conversations = new Map([
      [1, { count: 4, recent: 3, sentimentSum: 2.4, sentimentCount: 4, lastAt: now.getTime() - 86_400_000, topics: new Map([['crm', 4], ['ai', 1]]) }],
    ]);
    const m = computeMetrics([person(1, []), person(2, [])], edges, now, conversations);
    expect(m.get(1)!.brandSentiment).toBeCloseTo(0.6, 6); // the conversations', not the replies' −0.5
    expect(m.get(1)!.advocate).toBe(true);
    expect(m.get(1)!.topTopics).toEqual(['crm', 'golf', 'ai']);
    expect(m.get(1)!.conversations30d).toBe(3 + 3);
    expect(m.get(1)!.lastConversationAt).toBe(new Date(now.getTime() - 86_400_000).toISOString());
    // No conversations: judged by what they authored, as before.
    expect(m.get(2)!.brandSentiment).toBeNull();
    expect(m.get(2)!.advocate).toBe(false);
  });
});
