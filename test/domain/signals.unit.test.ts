import { describe, expect, it } from 'vitest';
import {
  MAX_SIGNALS_PER_BATCH,
  SignalsBatchSchema,
  collectPersonRefs,
  createSignalsBatchSchema,
  formatIssues,
  type FormattedIssue,
} from '../../src/domain/signals.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const schema = createSignalsBatchSchema({ now: () => NOW });

const person = (over: Record<string, unknown> = {}) => ({ id: 'p1', ...over });
const interaction = (over: Record<string, unknown> = {}) => ({
  externalId: 'e1',
  from: 'p1',
  to: 'p2',
  kind: 'reply',
  occurredAt: '2025-05-30T09:00:00Z',
  ...over,
});

function issues(input: unknown): FormattedIssue[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be rejected');
  return formatIssues(result.error);
}

function paths(input: unknown): string[] {
  return issues(input).map((i) => i.path);
}

describe('SignalsBatchSchema: good input', () => {
  it('parses a full batch and normalises it', () => {
    const result = schema.parse({
      people: [
        {
          id: 'p1',
          name: 'Dana Smith',
          emails: [' Dana@Example.com '],
          handles: [{ network: 'twitter', handle: '@DanaS' }],
          audienceSize: 12_000,
          providerScores: [{ provider: 'klout', score: 61 }, { provider: 'kred', score: 800, scale: { min: 0, max: 1000 } }],
          topics: ['marketing automation'],
        },
        { id: 'p2' },
      ],
      interactions: [
        interaction({ topics: ['crm'], sentiment: -0.25, occurredAt: '2025-05-30T11:00:00+02:00' }),
        interaction({ externalId: 'e2', kind: 'follow', occurredAt: '2025-06-02T11:59:59Z' }), // < 1 day ahead
      ],
    });
    const p = result.people![0]!;
    expect(p.emails).toEqual(['dana@example.com']);
    expect(p.handles).toEqual([{ network: 'x', handle: 'danas' }]);
    expect(p.providerScores?.[0]?.scale).toEqual({ min: 0, max: 100 });
    expect(result.interactions?.[0]?.occurredAt).toBe('2025-05-30T09:00:00.000Z');
  });

  it('accepts people only or interactions only', () => {
    expect(schema.safeParse({ people: [person()] }).success).toBe(true);
    expect(schema.safeParse({ interactions: [interaction()] }).success).toBe(true);
  });

  it('accepts exactly the maximum number of items', () => {
    const people = Array.from({ length: MAX_SIGNALS_PER_BATCH - 1 }, (_, i) => person({ id: `p${i}` }));
    expect(schema.safeParse({ people, interactions: [interaction()] }).success).toBe(true);
  });

  it('the default schema reads the system clock', () => {
    expect(SignalsBatchSchema.safeParse({ interactions: [interaction({ occurredAt: new Date().toISOString() })] }).success).toBe(true);
  });
});

describe('SignalsBatchSchema: each kind of bad input is reported at its exact path', () => {
  it('missing required fields', () => {
    expect(paths({ people: [{ name: 'Dana' }] })).toEqual(['people.0.id']);
    const { kind: _kind, ...noKind } = interaction();
    expect(paths({ interactions: [noKind] })).toEqual(['interactions.0.kind']);
    const { occurredAt: _at, ...noDate } = interaction();
    expect(paths({ interactions: [noDate] })).toEqual(['interactions.0.occurredAt']);
  });

  it('wrong types', () => {
    expect(paths({ people: [person({ audienceSize: '10' })] })).toEqual(['people.0.audienceSize']);
    expect(paths({ people: [person({ audienceSize: 1.5 })] })).toEqual(['people.0.audienceSize']);
    expect(paths({ people: [person({ audienceSize: -1 })] })).toEqual(['people.0.audienceSize']);
    expect(paths({ people: 'p1' })).toEqual(['people']);
    expect(paths({ interactions: [interaction({ sentiment: '0.5' })] })).toEqual(['interactions.0.sentiment']);
  });

  it('the body itself is not an object', () => {
    expect(paths(null)).toEqual(['']);
    expect(paths([person()])).toEqual(['']);
  });

  it('bad emails', () => {
    expect(issues({ people: [person({ emails: ['dana@example.com', 'not-an-email'] })] })).toEqual([
      { path: 'people.0.emails.1', message: 'Invalid email address' },
    ]);
  });

  it('bad enum values', () => {
    expect(paths({ interactions: [interaction({ kind: 'poke' })] })).toEqual(['interactions.0.kind']);
    expect(paths({ people: [person({ handles: [{ network: 'myspace', handle: 'dana' }] })] })).toEqual([
      'people.0.handles.0.network',
    ]);
  });

  it('empty handles after normalisation', () => {
    expect(paths({ people: [person({ handles: [{ network: 'x', handle: '@' }] })] })).toEqual(['people.0.handles.0.handle']);
  });

  it('out-of-range sentiment', () => {
    expect(paths({ interactions: [interaction({ sentiment: 1.01 })] })).toEqual(['interactions.0.sentiment']);
    expect(paths({ interactions: [interaction({ sentiment: -1.5 })] })).toEqual(['interactions.0.sentiment']);
  });

  it('provider scores outside their scale, and broken scales', () => {
    expect(paths({ people: [person({ providerScores: [{ provider: 'klout', score: 101 }] })] })).toEqual([
      'people.0.providerScores.0.score',
    ]);
    expect(
      paths({ people: [person({ providerScores: [{ provider: 'k', score: 5, scale: { min: 10, max: 10 } }] })] }),
    ).toEqual(['people.0.providerScores.0.scale.max']);
  });

  it('dates in the future, without a time zone, or not dates', () => {
    expect(issues({ interactions: [interaction({ occurredAt: '2025-06-02T12:00:01Z' })] })).toEqual([
      { path: 'interactions.0.occurredAt', message: 'More than 1 day in the future' },
    ]);
    expect(paths({ interactions: [interaction({ occurredAt: '2025-05-30T09:00:00' })] })).toEqual([
      'interactions.0.occurredAt',
    ]);
    expect(paths({ interactions: [interaction({ occurredAt: 'yesterday' })] })).toEqual(['interactions.0.occurredAt']);
    expect(paths({ interactions: [interaction({ occurredAt: '2025-02-30T00:00:00Z' })] })).toEqual([
      'interactions.0.occurredAt',
    ]);
    expect(paths({ interactions: [interaction({ occurredAt: 1748600000000 })] })).toEqual(['interactions.0.occurredAt']);
  });

  it('unknown keys, at the key itself', () => {
    expect(issues({ people: [person({ nickname: 'D' })] })).toEqual([{ path: 'people.0.nickname', message: 'Unknown field' }]);
    expect(paths({ people: [person()], cursor: 'x' })).toEqual(['cursor']);
    expect(paths({ people: [person({ handles: [{ network: 'x', handle: 'd', url: 'u' }] })] })).toEqual([
      'people.0.handles.0.url',
    ]);
    expect(paths({ interactions: [interaction({ weight: 2 })] })).toEqual(['interactions.0.weight']);
  });

  it('duplicate person ids and interaction ids, at the repeat', () => {
    expect(paths({ people: [person(), person({ id: 'p2' }), person()] })).toEqual(['people.2.id']);
    expect(
      paths({ interactions: [interaction(), interaction({ externalId: 'e2' }), interaction({ externalId: 'e1' })] }),
    ).toEqual(['interactions.2.externalId']);
  });

  it('an interaction from a person to themselves', () => {
    expect(paths({ interactions: [interaction({ to: 'p1' })] })).toEqual(['interactions.0.to']);
  });

  it('an empty batch', () => {
    expect(issues({})).toEqual([{ path: '', message: 'A batch needs at least one person, interaction, conversation or score' }]);
    expect(paths({ people: [], interactions: [] })).toEqual(['']);
  });

  it('more than the maximum number of items in total', () => {
    const people = Array.from({ length: 3_000 }, (_, i) => person({ id: `p${i}` }));
    const interactions = Array.from({ length: 2_001 }, (_, i) => interaction({ externalId: `e${i}` }));
    const found = issues({ people, interactions });
    expect(found).toHaveLength(1);
    expect(found[0]?.path).toBe('');
    expect(found[0]?.message).toContain('5000');
  });

  it('reports batch-level and item-level problems together', () => {
    expect(paths({ people: [person({ emails: ['bad'] }), person()] }).sort()).toEqual(['people.0.emails.0', 'people.1.id']);
  });

  it('limits the sizes of lists and strings', () => {
    expect(paths({ people: [person({ id: 'x'.repeat(201) })] })).toEqual(['people.0.id']);
    expect(paths({ people: [person({ id: '' })] })).toEqual(['people.0.id']);
    const emails = Array.from({ length: 21 }, (_, i) => `p${i}@example.com`);
    expect(paths({ people: [person({ emails })] })).toEqual(['people.0.emails']);
    expect(paths({ people: [person({ topics: ['t'.repeat(101)] })] })).toEqual(['people.0.topics.0']);
  });
});

describe('collectPersonRefs', () => {
  it('returns ids referenced by interactions but not defined in the batch', () => {
    const batch = schema.parse({
      people: [person({ id: 'p1' })],
      interactions: [interaction({ from: 'p1', to: 'p2' }), interaction({ externalId: 'e2', from: 'p3', to: 'p1' })],
    });
    expect(collectPersonRefs(batch)).toEqual(new Set(['p2', 'p3']));
    expect(collectPersonRefs({ people: [person({ id: 'p1' }), person({ id: 'p2' })], interactions: [] })).toEqual(new Set());
  });
});

describe('identity rules are shared with the API', () => {
  it('normalises emails in a batch exactly as normalizeEmail does', async () => {
    const { normalizeEmail } = await import('../../src/domain/identity.ts');
    for (const raw of [' A.B+c@Example.org', 'x@y.io', 'bad@', 'a b@c.de', 'Dana@Example.COM ']) {
      const parsed = schema.safeParse({ people: [person({ emails: [raw] })] });
      expect(parsed.success ? parsed.data.people?.[0]?.emails?.[0] : null).toBe(normalizeEmail(raw));
    }
  });
});
