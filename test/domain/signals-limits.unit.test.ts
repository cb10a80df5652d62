/**
 * Issue 10, items 2 and 3: every string field refuses unpaired UTF-16 surrogates and has a
 * maximum, in the API's batch schema, in its fast path (signals-fast.ts) and in import rows
 * (the same item schemas). Each case names the path the 400 must report.
 */
import { describe, expect, it } from 'vitest';
import { parseSignalsBatch } from '../../src/domain/signals-fast.ts';
import { createSignalsBatchSchema, formatIssues, LIMITS } from '../../src/domain/signals.ts';
import { createRowMapper } from '../../src/domain/import-rows.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const clock = () => NOW;
const schema = createSignalsBatchSchema({ now: clock });
const AT = '2026-11-20T10:00:00.000Z';
const LONE = ['\ud800', '\udfff', 'a\udc00b', 'x\ud83d'];

/** Paths of the issues both the zod schema and the fast path report (they must agree). */
function rejectedPaths(body: unknown): string[] {
  const zod = schema.safeParse(body);
  const fast = parseSignalsBatch(body, clock);
  expect(fast.success).toBe(zod.success);
  if (zod.success) return [];
  const paths = formatIssues(zod.error).map((i) => i.path);
  expect(formatIssues((fast as typeof zod).error!).map((i) => i.path)).toEqual(paths);
  return paths;
}

const person = (over: Record<string, unknown> = {}) => ({ id: 'dana', emails: ['dana@acme.com'], ...over });
const interaction = (over: Record<string, unknown> = {}) => ({ externalId: 'i1', from: 'dana', to: 'sam', kind: 'reply', occurredAt: AT, ...over });

describe('lone surrogates', () => {
  for (const bad of LONE) {
    const label = JSON.stringify(bad);
    it(`are refused in person ids with an email or handle (${label})`, () => {
      expect(rejectedPaths({ people: [person({ id: `p${bad}` })] })).toEqual(['people.0.id']);
      expect(rejectedPaths({ people: [{ id: bad, handles: [{ network: 'x', handle: 'dana' }] }] })).toEqual(['people.0.id']);
    });
    it(`are refused in the ids of interactions, conversations and scores (${label})`, () => {
      expect(rejectedPaths({ interactions: [interaction({ from: bad })] })).toEqual(['interactions.0.from']);
      expect(rejectedPaths({ interactions: [interaction({ to: bad })] })).toEqual(['interactions.0.to']);
      expect(rejectedPaths({ interactions: [interaction({ externalId: bad })] })).toEqual(['interactions.0.externalId']);
      expect(rejectedPaths({ conversations: [{ externalId: 'c1', person: bad, sentiment: 0, occurredAt: AT }] })).toEqual(['conversations.0.person']);
      expect(rejectedPaths({ scores: [{ person: bad, provider: 'klear', score: 1 }] })).toEqual(['scores.0.person']);
    });
    it(`are refused in provider names, handles, names, topics and texts (${label})`, () => {
      expect(rejectedPaths({ people: [person({ providerScores: [{ provider: `k${bad}`, score: 1 }] })] })).toEqual(['people.0.providerScores.0.provider']);
      expect(rejectedPaths({ scores: [{ person: 'dana', provider: bad, score: 1 }] })).toEqual(['scores.0.provider']);
      expect(rejectedPaths({ people: [person({ handles: [{ network: 'x', handle: `d${bad}` }] })] })).toEqual(['people.0.handles.0.handle']);
      expect(rejectedPaths({ people: [person({ name: bad })] })).toEqual(['people.0.name']);
      expect(rejectedPaths({ people: [person({ topics: ['crm', bad] })] })).toEqual(['people.0.topics.1']);
      expect(rejectedPaths({ interactions: [interaction({ topics: [bad] })] })).toEqual(['interactions.0.topics.0']);
      expect(rejectedPaths({ conversations: [{ externalId: 'c1', person: 'dana', text: `love it ${bad}`, occurredAt: AT }] })).toEqual(['conversations.0.text']);
      expect(rejectedPaths({ people: [person({ emails: [`d${bad}@acme.com`] })] })).toEqual(['people.0.emails.0']);
    });
  }

  it('leave well-formed pairs alone (emoji are fine)', () => {
    expect(rejectedPaths({ people: [person({ id: 'dana😀', name: '😀 Dana', topics: ['🚀'] })], interactions: [interaction({ from: 'dana😀' })] })).toEqual([]);
  });

  it('are refused in import rows too (same item schemas)', () => {
    const mapper = createRowMapper({ now: NOW });
    const row = mapper.fromJson({ type: 'interaction', ...interaction({ from: '\ud800' }) });
    expect(row.ok).toBe(false);
    expect(!row.ok && row.issues.map((i) => i.path)).toEqual(['from']);
    const score = mapper.fromJson({ type: 'score', person: 'dana', provider: '\udfff', score: 1 });
    expect(!score.ok && score.issues.map((i) => i.path)).toEqual(['provider']);
  });
});

describe('string maxima', () => {
  it('refuse an email with a 3,000-character local part, and any over 254 characters', () => {
    expect(rejectedPaths({ people: [person({ emails: [`${'a'.repeat(3000)}@acme.com`] })] })).toEqual(['people.0.emails.0']);
    expect(rejectedPaths({ people: [person({ emails: [`${'a'.repeat(65)}@acme.com`] })] })).toEqual(['people.0.emails.0']);
    expect(rejectedPaths({ people: [person({ emails: [`${'a'.repeat(64)}@acme.com`] })] })).toEqual([]);
    const longDomain = `${'d'.repeat(60)}.`.repeat(4) + 'com'; // 247 characters
    expect(rejectedPaths({ people: [person({ emails: [`ab@${longDomain}`] })] })).toEqual([]);
    expect(rejectedPaths({ people: [person({ emails: [`abcdefgh@${longDomain}`] })] })).toEqual(['people.0.emails.0']);
    expect(rejectedPaths({ people: [person({ emails: [`${'a'.repeat(1_000_000)}@acme.com`] })] })).toEqual(['people.0.emails.0']);
  });

  it('hold for every other string field, at the documented limit', () => {
    const over = (n: number) => 'x'.repeat(n + 1);
    const cases: [unknown, string][] = [
      [{ people: [person({ id: over(LIMITS.id) })] }, 'people.0.id'],
      [{ people: [person({ name: over(LIMITS.name) })] }, 'people.0.name'],
      [{ people: [person({ topics: [over(LIMITS.topic)] })] }, 'people.0.topics.0'],
      [{ people: [person({ handles: [{ network: 'x', handle: over(LIMITS.handle) }] })] }, 'people.0.handles.0.handle'],
      [{ people: [person({ providerScores: [{ provider: over(LIMITS.provider), score: 1 }] })] }, 'people.0.providerScores.0.provider'],
      [{ scores: [{ person: 'dana', provider: over(LIMITS.provider), score: 1 }] }, 'scores.0.provider'],
      [{ scores: [{ person: over(LIMITS.id), provider: 'k', score: 1 }] }, 'scores.0.person'],
      [{ interactions: [interaction({ externalId: over(LIMITS.id) })] }, 'interactions.0.externalId'],
      [{ conversations: [{ externalId: 'c1', person: 'dana', text: over(LIMITS.conversationText), occurredAt: AT }] }, 'conversations.0.text'],
    ];
    for (const [body, path] of cases) expect(rejectedPaths(body)).toEqual([path]);
  });
});
