import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  contentId,
  createRowMapper,
  csvRecordToItem,
  describeIssues,
  parseItemType,
  type RowResult,
} from '../../src/domain/import-rows.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const mapper = createRowMapper({ now: NOW });
const AT = '2026-11-20T10:00:00Z';

function ok(result: RowResult) {
  if (!result.ok) throw new Error(`expected a valid row, got: ${describeIssues(result.issues)}`);
  return result.item;
}
function issues(result: RowResult) {
  if (result.ok) throw new Error('expected the row to be rejected');
  return result.issues;
}
const paths = (result: RowResult) => issues(result).map((i) => i.path);

describe('parseItemType', () => {
  it('accepts singular and plural names in any case, nothing else', () => {
    expect(parseItemType('person')).toBe('person');
    expect(parseItemType('People')).toBe('person');
    expect(parseItemType(' interactions ')).toBe('interaction');
    expect(parseItemType('CONVERSATION')).toBe('conversation');
    expect(parseItemType('scores')).toBe('score');
    expect(parseItemType('contacts')).toBeUndefined();
    expect(parseItemType('')).toBeUndefined();
  });
});

describe('NDJSON rows', () => {
  it('maps a person exactly as the API does (emails and handles normalised)', () => {
    const item = ok(
      mapper.fromJson({
        type: 'person',
        id: 'dana',
        name: 'Dana',
        emails: [' Dana@Acme.com '],
        handles: [{ network: 'twitter', handle: '@Dana' }],
        audienceSize: 5400,
        providerScores: [{ provider: 'klear', score: 71 }],
        topics: ['crm'],
      }),
    );
    expect(item).toEqual({
      type: 'person',
      value: {
        id: 'dana',
        name: 'Dana',
        emails: ['dana@acme.com'],
        handles: [{ network: 'x', handle: 'dana' }],
        audienceSize: 5400,
        providerScores: [{ provider: 'klear', score: 71, scale: { min: 0, max: 100 } }],
        topics: ['crm'],
      },
    });
  });

  it('maps an interaction, a conversation and a score; occurredAt becomes canonical UTC', () => {
    const i = ok(mapper.fromJson({ type: 'interaction', externalId: 'li-1', from: 'sam', to: 'dana', kind: 'reply', occurredAt: '2026-11-20T11:00:00+01:00' }));
    expect(i).toEqual({ type: 'interaction', value: { externalId: 'li-1', from: 'sam', to: 'dana', kind: 'reply', occurredAt: '2026-11-20T10:00:00.000Z' } });
    const c = ok(mapper.fromJson({ type: 'conversation', externalId: 'c-1', person: 'dana', text: 'love it', occurredAt: AT }));
    expect(c).toMatchObject({ type: 'conversation', value: { externalId: 'c-1', person: 'dana', text: 'love it' } });
    const s = ok(mapper.fromJson({ type: 'score', person: 'dana', provider: 'kred', score: 850, scale: { min: 0, max: 1000 } }));
    expect(s).toEqual({ type: 'score', value: { person: 'dana', provider: 'kred', score: 850, scale: { min: 0, max: 1000 } } });
  });

  it('rejects non-objects, a missing or unknown type, and bad fields with row-relative paths', () => {
    expect(paths(mapper.fromJson([1, 2]))).toEqual(['']);
    expect(paths(mapper.fromJson('text'))).toEqual(['']);
    expect(issues(mapper.fromJson({ id: 'x' }))[0]).toMatchObject({ path: 'type', message: expect.stringContaining('Missing type') });
    expect(issues(mapper.fromJson({ type: 'contact', id: 'x' }))[0]).toMatchObject({ path: 'type', message: expect.stringContaining('Unknown type "contact"') });
    expect(paths(mapper.fromJson({ type: 'person', id: 'x', emails: ['nope'], audienceSize: -1, nickname: 'x' })).sort()).toEqual(['audienceSize', 'emails.0', 'nickname']);
    expect(paths(mapper.fromJson({ type: 'interaction', from: 'a', to: 'b', kind: 'poke', occurredAt: AT }))).toEqual(['kind']);
    expect(paths(mapper.fromJson({ type: 'interaction', from: 'a', to: 'a', kind: 'reply', occurredAt: AT }))).toEqual(['to']);
    expect(paths(mapper.fromJson({ type: 'interaction', from: 'a', to: 'b', kind: 'reply', occurredAt: 'yesterday' }))).toEqual(['occurredAt']);
    expect(paths(mapper.fromJson({ type: 'score', person: 'a', provider: 'klear', score: 171 }))).toEqual(['score']);
  });

  it('judges "in the future" against the import clock, read once', () => {
    const tomorrowish = new Date(NOW.getTime() + 23 * 3600_000).toISOString();
    const later = new Date(NOW.getTime() + 25 * 3600_000).toISOString();
    expect(mapper.fromJson({ type: 'interaction', from: 'a', to: 'b', kind: 'reply', occurredAt: tomorrowish }).ok).toBe(true);
    expect(issues(mapper.fromJson({ type: 'interaction', from: 'a', to: 'b', kind: 'reply', occurredAt: later }))[0]).toMatchObject({ path: 'occurredAt', message: 'More than 1 day in the future' });
  });

  it('applies --type to rows without a type and refuses rows of another type', () => {
    const people = createRowMapper({ now: NOW, type: 'person' });
    expect(ok(people.fromJson({ id: 'x' }))).toEqual({ type: 'person', value: { id: 'x' } });
    expect(issues(people.fromJson({ type: 'score', person: 'x', provider: 'p', score: 1 }))[0]).toMatchObject({ path: 'type', message: 'Row is a score but --type says person' });
  });
});

describe('content-hash ids', () => {
  const interaction = { type: 'interaction', from: 'sam', to: 'dana', kind: 'reply', topics: ['crm'], sentiment: 0.5, occurredAt: AT };

  it('gives rows without externalId a stable h: + sha256 id, independent of key order and time zone spelling', () => {
    const a = ok(mapper.fromJson(interaction));
    const b = ok(createRowMapper({ now: NOW }).fromJson({ occurredAt: '2026-11-20T11:00:00+01:00', sentiment: 0.5, topics: ['crm'], kind: 'reply', to: 'dana', from: 'sam', type: 'interaction' }));
    const id = (a.value as { externalId: string }).externalId;
    expect(id).toMatch(/^h:[0-9a-f]{64}$/);
    expect((b.value as { externalId: string }).externalId).toBe(id);
  });

  it('differs for different rows and between item types', () => {
    const id = (r: RowResult) => (ok(r).value as { externalId: string }).externalId;
    const base = id(mapper.fromJson(interaction));
    expect(id(mapper.fromJson({ ...interaction, sentiment: 0.4 }))).not.toBe(base);
    expect(id(mapper.fromJson({ ...interaction, topics: ['crm', 'ai'] }))).not.toBe(base);
    expect(id(mapper.fromJson({ ...interaction, occurredAt: '2026-11-20T10:00:01Z' }))).not.toBe(base);
    const conv = id(mapper.fromJson({ type: 'conversation', person: 'sam', occurredAt: AT }));
    expect(conv).toMatch(/^h:/);
    expect(contentId('interaction', { person: 'sam', occurredAt: '2026-11-20T10:00:00.000Z' })).not.toBe(conv);
  });

  it('keeps a given externalId, and gives the same id to the same event from CSV and NDJSON', () => {
    expect(ok(mapper.fromJson({ ...interaction, externalId: 'li-9' })).value).toMatchObject({ externalId: 'li-9' });
    const fromCsv = ok(mapper.fromCsv({ type: 'interactions', externalId: '', from: 'sam', to: 'dana', kind: 'reply', topics: 'crm', sentiment: '0.5', occurredAt: AT }));
    expect(fromCsv).toEqual(ok(mapper.fromJson(interaction)));
  });

  it('canonicalJson sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});

describe('CSV records', () => {
  it('reads people: lists split on ";", handles as network:handle, numbers parsed, empty cells absent', () => {
    const item = ok(
      mapper.fromCsv({
        type: 'person',
        id: 'dana',
        name: ' Dana ',
        emails: 'dana@acme.com; Dana@Work.io ;',
        handles: 'linkedin:dana;x:@Dana_X',
        audienceSize: '5400',
        providerScores: 'klear:71;kred:850:0:1000',
        topics: '',
      }),
    );
    expect(item).toEqual({
      type: 'person',
      value: {
        id: 'dana',
        name: 'Dana',
        emails: ['dana@acme.com', 'dana@work.io'],
        handles: [
          { network: 'linkedin', handle: 'dana' },
          { network: 'x', handle: 'dana_x' },
        ],
        audienceSize: 5400,
        providerScores: [
          { provider: 'klear', score: 71, scale: { min: 0, max: 100 } },
          { provider: 'kred', score: 850, scale: { min: 0, max: 1000 } },
        ],
      },
    });
  });

  it('reads conversations and scores (scale from scaleMin, scaleMax)', () => {
    const people = createRowMapper({ now: NOW, type: 'conversation' });
    expect(ok(people.fromCsv({ externalId: 'c1', person: 'dana', network: 'reddit', text: 'great', topics: 'crm;ai', sentiment: '-0.25', occurredAt: AT }))).toEqual({
      type: 'conversation',
      value: { externalId: 'c1', person: 'dana', network: 'reddit', text: 'great', topics: ['crm', 'ai'], sentiment: -0.25, occurredAt: '2026-11-20T10:00:00.000Z' },
    });
    const scores = createRowMapper({ now: NOW, type: 'score' });
    expect(ok(scores.fromCsv({ person: 'dana', provider: 'kred', score: '850', scaleMin: '0', scaleMax: '1000' })).value).toEqual({ person: 'dana', provider: 'kred', score: 850, scale: { min: 0, max: 1000 } });
    expect(ok(scores.fromCsv({ person: 'dana', provider: 'klear', score: '71', scaleMin: '', scaleMax: '' })).value).toEqual({ person: 'dana', provider: 'klear', score: 71, scale: { min: 0, max: 100 } });
  });

  it('reports cells that cannot be read, at their column, once', () => {
    const scores = createRowMapper({ now: NOW, type: 'score' });
    expect(issues(scores.fromCsv({ person: 'dana', provider: 'kred', score: 'high' }))).toEqual([{ path: 'score', message: 'Expected a number, got "high"' }]);
    expect(paths(scores.fromCsv({ person: 'dana', provider: 'kred', score: '5', scaleMin: '10' }))).toEqual(['scaleMax']);
    expect(paths(scores.fromCsv({ person: 'dana', provider: 'kred', score: '5', scaleMin: '10', scaleMax: '1' }))).toContain('scaleMax');
    expect(paths(mapper.fromCsv({ type: 'person', id: 'x', handles: 'linkedin:ok;nocolon', audienceSize: '1e3x' })).sort()).toEqual(['audienceSize', 'handles.1']);
    expect(paths(mapper.fromCsv({ type: 'person', id: 'x', providerScores: 'klear' }))).toEqual(['providerScores.0']);
    expect(paths(mapper.fromCsv({ type: 'person', id: 'x', handles: 'myspace:x' }))).toEqual(['handles.0.network']);
    expect(paths(mapper.fromCsv({ type: 'person', id: 'x', nickname: 'd' }))).toEqual(['nickname']);
    expect(paths(mapper.fromCsv({ type: '', id: 'x' }))).toEqual(['type']);
  });

  it('csvRecordToItem leaves an unknown empty column out and parses signed and decimal numbers', () => {
    expect(csvRecordToItem('interaction', { from: 'a', sentiment: '-.5', extra: '' })).toEqual({ value: { from: 'a', sentiment: -0.5 }, issues: [] });
    expect(csvRecordToItem('person', { id: 'a', audienceSize: '+1E3' }).value).toEqual({ id: 'a', audienceSize: 1000 });
  });
});
