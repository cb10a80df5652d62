import { describe, expect, it } from 'vitest';
import { formatIssues, SignalsBatchSchema } from '../../src/domain/signals.ts';

// Found by test/server/signals-fuzz.integration.test.ts: PostgreSQL text cannot hold U+0000, so a
// NUL in an id used to reach the database and fail the request with a 500.
describe('signals schema: NUL characters', () => {
  it('refuses NUL in every stored string, by path', () => {
    const r = SignalsBatchSchema.safeParse({
      people: [{ id: 'a\u0000', name: 'n\u0000', topics: ['t\u0000'], handles: [{ network: 'x', handle: 'h\u0000' }], providerScores: [{ provider: 'p\u0000', score: 1 }] }],
      interactions: [{ externalId: 'i\u0000', from: 'a', to: 'b\u0000', kind: 'reply', occurredAt: '2024-01-01T00:00:00Z' }],
      conversations: [{ externalId: 'c', person: 'p\u0000', sentiment: 0, occurredAt: '2024-01-01T00:00:00Z' }],
      scores: [{ person: 's\u0000', provider: 'q\u0000', score: 1 }],
    });
    expect(r.success).toBe(false);
    expect(formatIssues(r.error!).map((i) => i.path).sort()).toEqual(
      [
        'people.0.id', 'people.0.name', 'people.0.topics.0', 'people.0.handles.0.handle', 'people.0.providerScores.0.provider',
        'interactions.0.externalId', 'interactions.0.to', 'conversations.0.person', 'scores.0.person', 'scores.0.provider',
      ].sort(),
    );
  });

  it('still accepts other control and non-ASCII characters', () => {
    expect(SignalsBatchSchema.safeParse({ people: [{ id: 'tab\there ünï 💥', name: '' }] }).success).toBe(true);
  });
});
