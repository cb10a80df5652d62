/**
 * The fast path of signals-fast.ts against the zod schemas it mirrors (signals.ts):
 * - whenever fastInteraction answers, zod's interaction item schema gives the same value
 *   (toStrictEqual and the same JSON, so also the same key order);
 * - on a valid item in canonical form (what our importers and most clients send), fastInteraction
 *   does answer, so the fast path is really taken;
 * - parseSignalsBatch(body) is zod's safeParse: same success, same data, same issues.
 * Generated values are valid items with mutations (wrong types, missing and unknown keys,
 * lengths at and over the limits, NUL, surrogates, out-of-range sentiment, dates at the edges of
 * months and of the future window, offsets, explicit undefined, odd prototypes, from === to,
 * duplicate ids). The clock is fixed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalInstantMs, fastInteraction, parseSignalsBatch } from '../../src/domain/signals-fast.ts';
import {
  createSignalsBatchSchema,
  formatIssues,
  INTERACTION_KINDS,
  MAX_FUTURE_SKEW_MS,
  MAX_SIGNALS_PER_BATCH,
} from '../../src/domain/signals.ts';

const NOW_MS = Date.parse('2025-06-01T12:00:00.000Z');
const clock = () => new Date(NOW_MS);
const batchSchema = createSignalsBatchSchema({ now: clock });
const itemSchema = batchSchema.out.shape.interactions.unwrap().element;
const RUNS = 2_000;

/** Mirrors CANONICAL_INSTANT of signals.ts (not exported there). */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Obj = Record<string, unknown>;
const KEYS = ['externalId', 'from', 'to', 'kind', 'topics', 'sentiment', 'occurredAt'] as const;

const base = (over: Obj = {}): Obj => ({
  externalId: 'e1',
  from: 'p1',
  to: 'p2',
  kind: 'reply',
  occurredAt: '2025-05-30T09:00:00.000Z',
  ...over,
});

// ---------------------------------------------------------------------------------------------
// Generators

const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const anyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.oneof(surrogate, fc.constant('a'), fc.constant('\u0000')), maxLength: 6 }),
);
const id = fc.oneof(
  { weight: 6, arbitrary: fc.nat(40).map((n) => `p${n}`) },
  { weight: 2, arbitrary: anyString.filter((s) => s.length > 0) },
);
const externalId = fc.oneof({ weight: 6, arbitrary: fc.nat(300).map((n) => `e${n}`) }, { weight: 1, arbitrary: anyString });
const edgeText = fc.constantFrom(
  '',
  ' ',
  'a'.repeat(100),
  'a'.repeat(101),
  'a'.repeat(200),
  'a'.repeat(201),
  '😀'.repeat(100), // 200 UTF-16 units
  '😀'.repeat(101), // 202 units, 101 code points
  '😀'.repeat(200), // 400 units, 200 code points: zod accepts it as an id
  '😀'.repeat(200) + 'a',
  '\ud800'.repeat(200),
  '\ud800'.repeat(201),
  'a\u0000b',
  '\u0000',
);
const topic = fc.oneof({ weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) }, { weight: 1, arbitrary: edgeText });
const validTopic = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('\u0000'));
const topics = fc.oneof(
  { weight: 6, arbitrary: fc.array(validTopic, { maxLength: 5 }) },
  { weight: 2, arbitrary: fc.array(topic, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(Array(50).fill('t'), Array(51).fill('t'), [, 't'], [1], ['t', null], 't') },
);
const sentiment = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -1, max: 1, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(-1, 1, 0, -0, 1.0000001, -1.0000001, Number.MIN_VALUE, NaN, Infinity, -Infinity, '0.5', null, true) },
  { weight: 1, arbitrary: fc.double() },
);

/** Canonical instants from 1970 to a little past the future window. */
const canonicalInstant = fc
  .integer({ min: 0, max: NOW_MS + MAX_FUTURE_SKEW_MS + 3_600_000 })
  .map((t) => new Date(t).toISOString());
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const edgeInstant = fc.oneof(
  fc.constantFrom(
    '2024-02-29T09:00:00.000Z', // leap day
    '2023-02-29T09:00:00.000Z',
    '2000-02-29T00:00:00.000Z',
    '1900-02-29T00:00:00.000Z',
    '2100-02-29T00:00:00.000Z',
    '2024-02-30T09:00:00.000Z',
    '2024-04-31T09:00:00.000Z',
    '2024-13-01T09:00:00.000Z',
    '2024-00-01T09:00:00.000Z',
    '2024-01-00T09:00:00.000Z',
    '2024-01-01T24:00:00.000Z',
    '2024-01-01T23:60:00.000Z',
    '2024-12-31T23:59:60.000Z',
    '0000-01-01T00:00:00.000Z',
    '0000-02-29T00:00:00.000Z',
    '0099-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59.999Z',
    '+002024-01-01T00:00:00.000Z',
    '-000001-01-01T00:00:00.000Z',
    '2024-01-01T00:00:00.000z',
    '2024-01-01t00:00:00.000Z',
    '2024-01-01 00:00:00.000Z',
    '2024-01-01T00:00:00.000',
    '2024-01-01T00:00:00Z',
    '2024-01-01T00:00:00.5Z',
    '2024-01-01T00:00:00.123456Z',
    '2024-01-01T00:00Z',
    '2024-01-01',
    '2025-05-30T11:00:00+02:00',
    '2025-05-30T11:00:00.000+02:00',
    '2025-05-30T11:00:00.000-00:00',
    '2025-05-30T11:00:00.000+24:00',
    ' 2025-05-30T11:00:00.000Z',
    '2025-05-30T11:00:00.000Z ',
    '２０２５-05-30T11:00:00.000Z',
    new Date(NOW_MS + MAX_FUTURE_SKEW_MS).toISOString(), // the last instant allowed
    new Date(NOW_MS + MAX_FUTURE_SKEW_MS + 1).toISOString(),
    '9999-01-01T00:00:00.000Z',
  ),
  // Any digits in the canonical layout: impossible months, days, hours…
  fc
    .tuple(fc.integer({ min: 0, max: 2030 }), fc.nat(14), fc.nat(33), fc.nat(25), fc.nat(61), fc.nat(61), fc.nat(999))
    .map(([y, mo, d, h, mi, s, ms]) => `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}Z`),
  // The same instants in the other forms zod accepts (and rewrites).
  fc
    .tuple(canonicalInstant, fc.constantFrom('+02:00', '-05:30', '+00:00', 'Z'))
    .map(([iso, zone]) => iso.slice(0, 19) + zone),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
const occurredAt = fc.oneof({ weight: 6, arbitrary: canonicalInstant }, { weight: 3, arbitrary: edgeInstant });

/** Valid items (optional keys present or not), as a client would send them. */
const validInteraction: fc.Arbitrary<Obj> = fc
  .record(
    {
      externalId: fc.nat(300).map((n) => `e${n}`),
      from: fc.nat(40).map((n) => `p${n}`),
      to: fc.nat(40).map((n) => `q${n}`),
      kind: fc.constantFrom(...INTERACTION_KINDS),
      topics: fc.array(validTopic, { maxLength: 5 }),
      sentiment: fc.double({ min: -1, max: 1, noNaN: true }),
      occurredAt: canonicalInstant.filter((s) => Date.parse(s) <= NOW_MS),
    },
    { requiredKeys: ['externalId', 'from', 'to', 'kind', 'occurredAt'] },
  )
  .map((o) => ({ ...o }) as Obj);

/** A key's value, from plausible to absurd. */
const valueFor = (key: (typeof KEYS)[number]): fc.Arbitrary<unknown> => {
  const junk = fc.oneof(fc.anything(), fc.constantFrom(undefined, null, 0, true, [], {}, 'x'));
  switch (key) {
    case 'externalId':
      return fc.oneof({ weight: 4, arbitrary: externalId }, { weight: 2, arbitrary: edgeText }, { weight: 1, arbitrary: junk });
    case 'from':
    case 'to':
      return fc.oneof({ weight: 4, arbitrary: id }, { weight: 2, arbitrary: edgeText }, { weight: 1, arbitrary: junk });
    case 'kind':
      return fc.oneof(fc.constantFrom(...INTERACTION_KINDS, 'Mention', 'comment', '', 'constructor', 'toString'), junk);
    case 'topics':
      return fc.oneof({ weight: 4, arbitrary: topics }, { weight: 1, arbitrary: junk });
    case 'sentiment':
      return fc.oneof({ weight: 4, arbitrary: sentiment }, { weight: 1, arbitrary: junk });
    case 'occurredAt':
      return fc.oneof({ weight: 4, arbitrary: occurredAt }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: fc.date().map((d) => d) });
  }
};

/** One change to an item; plain data so fast-check prints and shrinks it. */
type Mutation =
  | { op: 'set'; key: string; value: unknown }
  | { op: 'delete'; key: string }
  | { op: 'sameTo' }
  | { op: 'reverseKeys' }
  | { op: 'wrap'; as: 'array' | 'null' | 'nullProto' | 'class' | 'inherit' | 'date' | 'string' | 'hiddenSentiment' | 'getter' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...KEYS).chain((key) => valueFor(key).map((value): Mutation => ({ op: 'set', key, value }))) },
  { weight: 2, arbitrary: fc.constantFrom(...KEYS).map((key): Mutation => ({ op: 'delete', key })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('extra', 'Kind', 'type', '__proto__', 'constructor', '0', 'occurred_at'), fc.anything())
      .map(([key, value]): Mutation => ({ op: 'set', key, value })),
  },
  { weight: 1, arbitrary: fc.constantFrom(...(['topics', 'sentiment', 'externalId'] as const)).map((key): Mutation => ({ op: 'set', key, value: undefined })) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ op: 'sameTo' }) },
  { weight: 1, arbitrary: fc.constant<Mutation>({ op: 'reverseKeys' }) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...(['array', 'null', 'nullProto', 'class', 'inherit', 'date', 'string', 'hiddenSentiment', 'getter'] as const))
      .map((as): Mutation => ({ op: 'wrap', as })),
  },
);

class Holder {}

function mutate(start: Obj, mutations: readonly Mutation[]): unknown {
  let value: unknown = { ...start };
  for (const m of mutations) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) break;
    const o = value as Obj;
    switch (m.op) {
      case 'set':
        // defineProperty so that '__proto__' becomes an own key, as JSON.parse makes it.
        Object.defineProperty(o, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        break;
      case 'delete':
        delete o[m.key];
        break;
      case 'sameTo':
        o.to = o.from;
        break;
      case 'reverseKeys':
        value = Object.fromEntries(Object.entries(o).reverse());
        break;
      case 'wrap':
        switch (m.as) {
          case 'array':
            value = [o];
            break;
          case 'null':
            value = null;
            break;
          case 'nullProto':
            value = Object.assign(Object.create(null), o);
            break;
          case 'class':
            value = Object.assign(new Holder(), o);
            break;
          case 'inherit':
            value = Object.create(o);
            break;
          case 'date':
            value = Object.assign(new Date(0), o);
            break;
          case 'string':
            try {
              value = JSON.stringify(o);
            } catch {
              value = String(Object.keys(o)); // e.g. a Date-derived object whose toJSON throws
            }
            break;
          case 'hiddenSentiment':
            Object.defineProperty(o, 'sentiment', { value: 0.5, enumerable: false, configurable: true, writable: true });
            break;
          case 'getter': {
            const kind = o.kind;
            Object.defineProperty(o, 'kind', { get: () => kind, enumerable: true, configurable: true });
            break;
          }
        }
        break;
    }
  }
  return value;
}

const mutatedInteraction = fc.tuple(validInteraction, fc.array(mutation, { maxLength: 3 })).map(([v, ms]) => mutate(v, ms));
/** Half valid, half mutated. */
const anyInteraction = fc.oneof(validInteraction, mutatedInteraction);

const zodItem = (value: unknown) => itemSchema.safeParse(value);

/** A valid item as our importers and most clients send it: nothing zod has to rewrite. */
function isCanonicalCommonCase(value: unknown, data: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const v = value as Obj;
  const d = data as Obj;
  if (Object.values(v).some((x) => x === undefined) || Object.keys(v).length !== Object.keys(d).length) return false;
  if (Object.getOwnPropertyNames(v).length !== Object.keys(v).length) return false; // a hidden key
  if (Object.values(Object.getOwnPropertyDescriptors(v)).some((desc) => desc.get)) return false;
  // Lengths zod counts in code points but the fast path in UTF-16 units (it leaves > max to zod).
  const units = [v.externalId, v.from, v.to].every((s) => typeof s === 'string' && s.length <= 200);
  const topicUnits = !Array.isArray(v.topics) || v.topics.every((t) => typeof t === 'string' && t.length <= 100);
  return units && topicUnits && d.occurredAt === v.occurredAt;
}

// ---------------------------------------------------------------------------------------------

describe('fastInteraction agrees with the zod item schema', () => {
  it('whatever it accepts, zod accepts with the very same value (property)', () => {
    let taken = 0;
    fc.assert(
      fc.property(anyInteraction, (value) => {
        const fast = fastInteraction(value, NOW_MS);
        if (fast === undefined) return;
        taken++;
        const zod = zodItem(value);
        expect(zod.success).toBe(true);
        if (!zod.success) return;
        expect(fast).toStrictEqual(zod.data);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
        expect(Object.keys(fast)).toEqual(Object.keys(zod.data as Obj));
        // A fresh object, not a view of the input.
        expect(fast).not.toBe(value);
        if (fast.topics) expect(fast.topics).not.toBe((value as Obj).topics);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(taken).toBeGreaterThan(RUNS / 2); // the generator does reach the fast path
  });

  it('whatever valid canonical item zod accepts, it accepts too (property)', () => {
    let canonical = 0;
    fc.assert(
      fc.property(anyInteraction, (value) => {
        const zod = zodItem(value);
        if (!zod.success || !isCanonicalCommonCase(value, zod.data)) return;
        canonical++;
        expect(fastInteraction(value, NOW_MS)).toStrictEqual(zod.data);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(canonical).toBeGreaterThan(RUNS / 2);
  });

  it('never throws, whatever the value (property)', () => {
    fc.assert(
      fc.property(fc.oneof(anyInteraction, fc.anything()), fc.double(), (value, now) => {
        expect(() => fastInteraction(value, now)).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });

  it('an offset date-time is left to zod, which normalises it to UTC', () => {
    const value = base({ occurredAt: '2025-05-30T11:00:00+02:00' });
    expect(fastInteraction(value, NOW_MS)).toBeUndefined();
    const parsed = parseSignalsBatch({ interactions: [value] }, clock);
    expect(parsed.success && parsed.data.interactions?.[0]?.occurredAt).toBe('2025-05-30T09:00:00.000Z');
    expect(fastInteraction(base({ occurredAt: '2025-05-30T09:00:00Z' }), NOW_MS)).toBeUndefined(); // no milliseconds
  });

  it('Feb 29 only in leap years, Feb 30 never: the same verdict as zod', () => {
    for (const [occurredAt, ok] of [
      ['2024-02-29T09:00:00.000Z', true],
      ['2000-02-29T09:00:00.000Z', true],
      ['0000-02-29T09:00:00.000Z', true],
      ['2023-02-29T09:00:00.000Z', false],
      ['1900-02-29T09:00:00.000Z', false],
      ['2024-02-30T09:00:00.000Z', false],
      ['2024-04-31T09:00:00.000Z', false],
    ] as const) {
      const value = base({ occurredAt });
      expect(fastInteraction(value, NOW_MS) !== undefined, occurredAt).toBe(ok);
      expect(itemSchema.safeParse(value).success, occurredAt).toBe(ok);
    }
  });

  it('the future window ends exactly where zod says (MAX_FUTURE_SKEW_MS)', () => {
    const last = base({ occurredAt: new Date(NOW_MS + MAX_FUTURE_SKEW_MS).toISOString() });
    const over = base({ occurredAt: new Date(NOW_MS + MAX_FUTURE_SKEW_MS + 1).toISOString() });
    expect(fastInteraction(last, NOW_MS)).toStrictEqual(itemSchema.parse(last));
    expect(fastInteraction(over, NOW_MS)).toBeUndefined();
    expect(itemSchema.safeParse(over).success).toBe(false);
  });

  it('length limits at the edges, as zod (which counts code points)', () => {
    expect(fastInteraction(base({ externalId: 'a'.repeat(200) }), NOW_MS)).toBeDefined();
    expect(fastInteraction(base({ externalId: 'a'.repeat(201) }), NOW_MS)).toBeUndefined();
    expect(fastInteraction(base({ topics: ['a'.repeat(100)] }), NOW_MS)).toBeDefined();
    expect(fastInteraction(base({ topics: ['a'.repeat(101)] }), NOW_MS)).toBeUndefined();
    expect(fastInteraction(base({ topics: Array(50).fill('t') }), NOW_MS)).toBeDefined();
    expect(fastInteraction(base({ topics: Array(51).fill('t') }), NOW_MS)).toBeUndefined();
    // 200 emoji are 400 UTF-16 units but 200 code points: zod takes them; the fast path leaves
    // anything over the limit in units to zod, so the batch result is still zod's.
    const emoji = base({ externalId: '😀'.repeat(200) });
    expect(itemSchema.safeParse(emoji).success).toBe(true);
    expect(fastInteraction(emoji, NOW_MS)).toBeUndefined();
    expect(parseSignalsBatch({ interactions: [emoji] }, clock)).toStrictEqual(batchSchema.safeParse({ interactions: [emoji] }));
  });

  it('an optional key given as undefined: zod keeps the key, so the fast path leaves it to zod', () => {
    const value = base({ topics: undefined });
    const zod = itemSchema.parse(value);
    expect('topics' in zod).toBe(true);
    expect(fastInteraction(value, NOW_MS)).toBeUndefined();
    const batch = parseSignalsBatch({ interactions: [value] }, clock);
    expect(batch.success && 'topics' in batch.data.interactions![0]!).toBe(true);
  });

  it('output keys follow the schema, not the input', () => {
    const value = { occurredAt: '2025-05-30T09:00:00.000Z', sentiment: -0.5, topics: ['crm'], kind: 'share', to: 'b', from: 'a', externalId: 'x' };
    const fast = fastInteraction(value, NOW_MS)!;
    expect(Object.keys(fast)).toEqual(['externalId', 'from', 'to', 'kind', 'topics', 'sentiment', 'occurredAt']);
    expect(fast).toStrictEqual(itemSchema.parse(value));
  });

  it('odd objects: null prototype and hidden keys are mirrored; class instances and throwing getters go to zod', () => {
    const nullProto = Object.assign(Object.create(null), base());
    expect(fastInteraction(nullProto, NOW_MS)).toStrictEqual(itemSchema.parse(nullProto));
    const hidden = base();
    Object.defineProperty(hidden, 'sentiment', { value: 0.5, enumerable: false });
    expect(fastInteraction(hidden, NOW_MS)).toStrictEqual(itemSchema.parse(hidden));
    expect(fastInteraction(hidden, NOW_MS)?.sentiment).toBe(0.5);
    expect(fastInteraction(Object.assign(new Holder(), base()), NOW_MS)).toBeUndefined();
    const throwing = base();
    Object.defineProperty(throwing, 'to', { get: () => { throw new Error('no'); }, enumerable: true });
    expect(fastInteraction(throwing, NOW_MS)).toBeUndefined();
    expect(fastInteraction(JSON.parse('{"__proto__":1,"externalId":"e","from":"a","to":"b","kind":"like","occurredAt":"2025-05-30T09:00:00.000Z"}'), NOW_MS)).toBeUndefined();
  });
});

describe('canonicalInstantMs', () => {
  it('is finite exactly for canonical strings that round-trip and zod accepts, and equals Date.parse', () => {
    // zod's date-time rule alone (its clock at the end of time).
    const anyTime = createSignalsBatchSchema({ now: () => new Date(8.64e15) }).out.shape.interactions.unwrap().element;
    const years = [0, 4, 99, 100, 400, 1600, 1900, 1970, 2000, 2023, 2024, 2100, 9996, 9999];
    for (const y of years) {
      for (let mo = 0; mo <= 13; mo++) {
        for (let d = 0; d <= 32; d++) {
          for (const time of ['00:00:00.000', '23:59:59.999', '24:00:00.000', '12:60:00.000', '12:00:60.000']) {
            const s = `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${time}Z`;
            const t = canonicalInstantMs(s);
            const parsed = Date.parse(s);
            const roundTrips = Number.isFinite(parsed) && new Date(parsed).toISOString() === s;
            expect(Number.isFinite(t), s).toBe(roundTrips);
            if (roundTrips) expect(t, s).toBe(parsed);
            expect(CANONICAL_INSTANT.test(s)).toBe(true);
            const zod = anyTime.safeParse(base({ occurredAt: s }));
            expect(zod.success, s).toBe(roundTrips);
            if (zod.success) expect(zod.data.occurredAt).toBe(s); // zod keeps canonical strings as they are
          }
        }
      }
    }
  });

  it('equals Date.parse on every instant of years 0000 to 9999 (property)', () => {
    const first = Date.parse('0000-01-01T00:00:00.000Z');
    const last = Date.parse('9999-12-31T23:59:59.999Z');
    fc.assert(
      fc.property(fc.integer({ min: first, max: last }), (t) => {
        expect(canonicalInstantMs(new Date(t).toISOString())).toBe(t);
      }),
      { numRuns: RUNS * 5 },
    );
    for (const t of [first, last, 0, -1, 951_782_400_000 /* 2000-02-29 */]) expect(canonicalInstantMs(new Date(t).toISOString())).toBe(t);
  });

  it('is finite only for CANONICAL_INSTANT strings (property)', () => {
    fc.assert(
      fc.property(fc.oneof(edgeInstant, anyString, canonicalInstant), (s) => {
        const t = canonicalInstantMs(s);
        if (Number.isFinite(t)) {
          expect(CANONICAL_INSTANT.test(s)).toBe(true);
          expect(new Date(t).toISOString()).toBe(s);
        } else if (CANONICAL_INSTANT.test(s)) {
          const parsed = Date.parse(s);
          expect(Number.isFinite(parsed) && new Date(parsed).toISOString() === s).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Whole batches

const validPerson = fc.record({ id: fc.nat(60).map((n) => `p${n}`), name: fc.string({ maxLength: 10 }), topics: fc.array(validTopic, { maxLength: 2 }) }, { requiredKeys: ['id'] });
const person = fc.oneof(
  { weight: 4, arbitrary: validPerson },
  { weight: 1, arbitrary: fc.record({ id: fc.oneof(fc.constant(''), fc.nat()), emails: fc.constantFrom(['not-an-email'], [' A@B.example ']) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.anything() },
);
const conversation = fc.oneof(
  { weight: 4, arbitrary: fc.record({ externalId: fc.nat(100).map((n) => `c${n}`), person: fc.constantFrom('p1', 'p2'), occurredAt: occurredAt, text: fc.string({ minLength: 1, maxLength: 10 }) }, { requiredKeys: ['externalId', 'person', 'occurredAt'] }) },
  { weight: 1, arbitrary: fc.anything() },
);
const score = fc.oneof(
  { weight: 4, arbitrary: fc.record({ person: fc.constantFrom('p1', 'p2'), provider: fc.constantFrom('klout', 'kred'), score: fc.integer({ min: -10, max: 110 }) }) },
  { weight: 1, arbitrary: fc.anything() },
);
const list = <T>(item: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(undefined, null, {}, 'x', []) });
const interactionList = fc.oneof(
  { weight: 6, arbitrary: fc.array(validInteraction, { maxLength: 8 }) },
  { weight: 3, arbitrary: fc.array(anyInteraction, { maxLength: 6 }) },
  // Duplicate externalIds.
  { weight: 1, arbitrary: fc.array(validInteraction, { minLength: 2, maxLength: 4 }).map((items) => items.map((i) => ({ ...i, externalId: 'dup' }))) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, {}, 'x', []) },
);
const body: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record(
        { people: list(person), interactions: interactionList, conversations: list(conversation), scores: list(score), extra: fc.anything() },
        { requiredKeys: [] },
      )
      .map((b) => ({ ...b }) as unknown),
  },
  // The common body: interactions only (with or without other empty lists).
  { weight: 8, arbitrary: fc.tuple(fc.array(validInteraction, { minLength: 1, maxLength: 8 }), fc.constantFrom({}, { people: [] }, { scores: [] }, { people: [], conversations: [] })).map(([interactions, more]) => ({ ...more, interactions }) as unknown) },
  { weight: 1, arbitrary: fc.oneof(fc.anything(), fc.constantFrom(null, [], [{ interactions: [] }], {})) },
);

function expectSameAsZod(input: unknown) {
  const expected = batchSchema.safeParse(input);
  const actual = parseSignalsBatch(input, clock);
  expect(actual.success).toBe(expected.success);
  if (expected.success && actual.success) {
    expect(actual.data).toStrictEqual(expected.data);
    expect(JSON.stringify(actual.data)).toBe(JSON.stringify(expected.data));
    expect(Object.keys(actual.data)).toEqual(Object.keys(expected.data));
  } else if (!expected.success && !actual.success) {
    expect(formatIssues(actual.error)).toEqual(formatIssues(expected.error));
    expect(actual.error.issues.map((i) => [i.code, i.path])).toEqual(expected.error.issues.map((i) => [i.code, i.path]));
  }
  return actual;
}

describe('parseSignalsBatch is createSignalsBatchSchema({ now }).safeParse', () => {
  it('same success, same data, same issues (property)', () => {
    let successes = 0;
    fc.assert(
      fc.property(body, (input) => {
        if (expectSameAsZod(input).success) successes++;
      }),
      { numRuns: RUNS * 2 },
    );
    expect(successes).toBeGreaterThan(RUNS / 2);
  });

  it('interactions only: the common batch', () => {
    const parsed = expectSameAsZod({ interactions: [base(), base({ externalId: 'e2', topics: ['crm'], sentiment: 0.25 })] });
    expect(parsed.success && parsed.data).toStrictEqual({
      interactions: [
        { externalId: 'e1', from: 'p1', to: 'p2', kind: 'reply', occurredAt: '2025-05-30T09:00:00.000Z' },
        { externalId: 'e2', from: 'p1', to: 'p2', kind: 'reply', topics: ['crm'], sentiment: 0.25, occurredAt: '2025-05-30T09:00:00.000Z' },
      ],
    });
  });

  it('with people, conversations and scores (zod parses those; key order is the schema\'s)', () => {
    const parsed = expectSameAsZod({
      scores: [{ person: 'p1', provider: 'klout', score: 50 }],
      interactions: [base()],
      conversations: [{ externalId: 'c1', person: 'p1', occurredAt: '2025-05-30T09:00:00+02:00' }],
      people: [{ id: 'p1', emails: [' Dana@Example.com '] }, { id: 'p2' }],
    });
    expect(parsed.success && Object.keys(parsed.data)).toEqual(['people', 'interactions', 'conversations', 'scores']);
    expect(parsed.success && parsed.data.people?.[0]?.emails).toEqual(['dana@example.com']);
    expectSameAsZod({ people: [], interactions: [base()] });
    expectSameAsZod({ people: [{ id: 'p1' }], interactions: [] });
    expectSameAsZod({ people: [], interactions: [] }); // empty batch
    expectSameAsZod({ interactions: [] });
    expectSameAsZod({ people: undefined, interactions: [base()] }); // zod keeps `people: undefined`
    expectSameAsZod({ people: undefined, scores: [{ person: 'p1', provider: 'k', score: 1 }], interactions: [base()] });
    expectSameAsZod({ people: [{ id: 'p1' }, { id: 'p1' }], interactions: [base()] }); // duplicate person
    expectSameAsZod({ people: [{ id: 'p1' }], interactions: [base(), base()] }); // duplicate externalId
    expectSameAsZod({ people: 'p1', interactions: [base()] });
    expectSameAsZod({ interactions: [base()], extra: 1 });
  });

  it('oversized batches fail the same way; exactly the maximum passes the same way', () => {
    const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => base({ externalId: `e${from + i}` }));
    expectSameAsZod({ interactions: many(MAX_SIGNALS_PER_BATCH + 1) });
    expectSameAsZod({ interactions: many(MAX_SIGNALS_PER_BATCH - 1), people: [{ id: 'p1' }], scores: [{ person: 'p1', provider: 'k', score: 1 }] });
    expect(expectSameAsZod({ interactions: many(MAX_SIGNALS_PER_BATCH) }).success).toBe(true);
    expect(expectSameAsZod({ people: [{ id: 'p1' }], interactions: many(MAX_SIGNALS_PER_BATCH - 1) }).success).toBe(true);
  });

  it('reads the given clock, and the system clock by default', () => {
    const soon = base({ occurredAt: new Date(NOW_MS + 2 * MAX_FUTURE_SKEW_MS).toISOString() });
    expect(parseSignalsBatch({ interactions: [soon] }, clock).success).toBe(false);
    expect(parseSignalsBatch({ interactions: [soon] }, () => new Date(NOW_MS + MAX_FUTURE_SKEW_MS)).success).toBe(true);
    expect(parseSignalsBatch({ interactions: [base({ occurredAt: new Date().toISOString() })] }).success).toBe(true);
    // The cached schema's clock is per call: a fallback (offset date) on one clock, then another.
    const offset = base({ occurredAt: new Date(NOW_MS + 2 * MAX_FUTURE_SKEW_MS).toISOString().replace('Z', '+00:00') });
    expect(parseSignalsBatch({ interactions: [offset] }, clock).success).toBe(false);
    expect(parseSignalsBatch({ interactions: [offset] }, () => new Date(NOW_MS + MAX_FUTURE_SKEW_MS)).success).toBe(true);
  });
});
