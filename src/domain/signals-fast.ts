/**
 * A fast path for validating signals batches: hand-written checks that accept only values the
 * zod schemas of signals.ts certainly accept, and build exactly the object zod would output
 * (same keys, same key order, no extra keys). Anything else — invalid, unusual, or valid but in
 * need of normalisation (an `occurredAt` with an offset or without milliseconds) — is left to
 * zod, so zod stays the one source of error issues and of every rewrite.
 *
 * Zod costs a few µs per interaction item; this costs a fraction of that (see the test file for
 * the equivalence properties that keep the two in step).
 *
 * Semantics mirrored from zod 4 as installed (see test/domain/signals-fast.unit.test.ts):
 * - Objects: zod reads each shape key with `input[key]` and presence with `key in input`, and
 *   rejects any other key `for...in` yields. Here only plain objects (prototype Object.prototype
 *   or null) are taken; the same `for...in` decides on unknown keys.
 * - An optional key given explicitly as `undefined` is accepted by zod and kept in its output
 *   (`{ topics: undefined }`); JSON never produces that, so such inputs go to zod.
 * - String lengths: zod measures `.max()` in Unicode code points (a surrogate pair is one), so
 *   it accepts e.g. 200 emoji (400 UTF-16 units) as an id. Here a string longer than the limit
 *   in UTF-16 units goes to zod, which is exact whichever measure zod uses; `.min(1)` is the
 *   same in both measures (a non-empty string has at least one code point).
 * - Strings with a NUL or an unpaired UTF-16 surrogate go to zod (which refuses both).
 * - `occurredAt`: only the canonical form `YYYY-MM-DDTHH:MM:SS.mmmZ` naming a real instant
 *   (month 01–12, a day the month has, hour ≤ 23, minute and second ≤ 59; what zod's date-time
 *   regex allows and what round-trips through `toISOString()`) is taken, unchanged, as zod
 *   returns it unchanged. The future rule is zod's own comparison, `t > now + skew` rejects.
 */
import type { z } from 'zod';
import {
  createSignalsBatchSchema,
  INTERACTION_KINDS,
  isWellFormedText,
  MAX_FUTURE_SKEW_MS,
  MAX_SIGNALS_PER_BATCH,
  type InteractionInput,
  type SignalsBatch,
} from './signals.ts';

/** Mirrors the `Id` schema of signals.ts (`storedText(1, 200)`). */
const ID_MAX = 200;
/** Mirrors `Topics` of signals.ts: at most 50 topics of `storedText(1, 100)`. */
const TOPICS_MAX = 50;
const TOPIC_MAX = 100;

const KINDS: ReadonlySet<string> = new Set<string>(INTERACTION_KINDS);

/** A string signals.ts's `storedText(1, max)` surely accepts: 1..max UTF-16 units, no NUL, no lone surrogate. */
function isStoredText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max && value.indexOf('\u0000') === -1 && isWellFormedText(value);
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/**
 * The epoch milliseconds of `s` when it is a canonical instant — exactly what `toISOString()`
 * returns for a year 0000–9999 (mirrors `CANONICAL_INSTANT` of signals.ts plus the round-trip
 * `new Date(Date.parse(s)).toISOString() === s`), equal to `Date.parse(s)` — otherwise NaN.
 * No allocation, no regex, no Date.
 */
export function canonicalInstantMs(s: string): number {
  if (
    s.length !== 24 ||
    s.charCodeAt(4) !== 45 /* - */ ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 /* T */ ||
    s.charCodeAt(13) !== 58 /* : */ ||
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(19) !== 46 /* . */ ||
    s.charCodeAt(23) !== 90 /* Z */
  ) {
    return NaN;
  }
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  const hour = digit(s, 11) * 10 + digit(s, 12);
  const minute = digit(s, 14) * 10 + digit(s, 15);
  const second = digit(s, 17) * 10 + digit(s, 18);
  const ms = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
  // NaN (a non-digit) fails every comparison below.
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (!(day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!))) return NaN;
  // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil),
  // what Date.parse computes, at a fraction of its cost (it was most of this function's time).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146_097 + doe - 719_468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1_000 + ms;
}

/**
 * The interaction item exactly as `createSignalsBatchSchema({ now: () => new Date(nowMs) })`
 * would output it, when `value` is certainly valid and needs no normalisation; otherwise
 * undefined (then ask zod, which also gives the issues). Never throws. `ignoreKey` is a key
 * to judge the value as if it were absent (an import row's `type`), saving the caller a copy.
 */
export function fastInteraction(value: unknown, nowMs: number, ignoreKey?: string): InteractionInput | undefined {
  try {
    return checkInteraction(value, nowMs, ignoreKey);
  } catch {
    // A throwing getter or proxy trap: zod decides (and throws or reports as it does).
    return undefined;
  }
}

function checkInteraction(value: unknown, nowMs: number, ignoreKey: string | undefined): InteractionInput | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return undefined;
  // The keys zod's strictObject would look at (for...in, own and inherited enumerable).
  for (const key in value) {
    if (key === ignoreKey) continue;
    switch (key) {
      case 'externalId':
      case 'from':
      case 'to':
      case 'kind':
      case 'topics':
      case 'sentiment':
      case 'occurredAt':
        continue;
      default:
        return undefined;
    }
  }
  const v = value as Record<string, unknown>;
  const externalId = v.externalId;
  const from = v.from;
  const to = v.to;
  const kind = v.kind;
  const occurredAt = v.occurredAt;
  if (!isStoredText(externalId, ID_MAX) || !isStoredText(from, ID_MAX) || !isStoredText(to, ID_MAX) || from === to) return undefined;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (typeof occurredAt !== 'string') return undefined;
  const t = canonicalInstantMs(occurredAt);
  // Same comparison as zod's transform (so a NaN clock behaves alike).
  if (Number.isNaN(t) || t > nowMs + MAX_FUTURE_SKEW_MS) return undefined;

  const rawTopics = v.topics;
  let topics: string[] | undefined;
  if (rawTopics === undefined) {
    // Present as undefined (zod keeps the key): leave it to zod.
    if ('topics' in v) return undefined;
  } else {
    if (!Array.isArray(rawTopics)) return undefined;
    const n = rawTopics.length;
    if (n > TOPICS_MAX) return undefined;
    topics = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const topic: unknown = rawTopics[i];
      if (!isStoredText(topic, TOPIC_MAX)) return undefined;
      topics[i] = topic;
    }
  }

  const sentiment = v.sentiment;
  if (sentiment === undefined) {
    if ('sentiment' in v) return undefined;
  } else if (typeof sentiment !== 'number' || !(sentiment >= -1 && sentiment <= 1)) {
    return undefined;
  }

  // zod's output order is the shape's: externalId, from, to, kind, topics, sentiment, occurredAt.
  const k = kind as InteractionInput['kind'];
  if (topics === undefined) {
    if (sentiment === undefined) return { externalId, from, to, kind: k, occurredAt };
    return { externalId, from, to, kind: k, sentiment, occurredAt };
  }
  if (sentiment === undefined) return { externalId, from, to, kind: k, topics, occurredAt };
  return { externalId, from, to, kind: k, topics, sentiment, occurredAt };
}

// ---------------------------------------------------------------------------------------------
// Whole batches

/*
 * One batch schema for every call, not one per call (building it costs far more than parsing a
 * small batch). Its clock reads `clock`, which parseSignalsBatch points at the caller's `now`
 * for the duration of one synchronous safeParse (restored afterwards, so a nested call is safe).
 * The schema reads the clock at parse time, so this is the same as
 * `createSignalsBatchSchema({ now }).safeParse(body)`.
 */
const systemClock = () => new Date();
let clock: () => Date = systemClock;
let batchSchema: ReturnType<typeof createSignalsBatchSchema> | undefined;

/** What `createSignalsBatchSchema(...).safeParse(body)` returns. */
export type SignalsBatchParseResult = z.ZodSafeParseResult<SignalsBatch>;

function zodParse(body: unknown, now: () => Date): SignalsBatchParseResult {
  batchSchema ??= createSignalsBatchSchema({ now: () => clock() });
  const previous = clock;
  clock = now;
  try {
    return batchSchema.safeParse(body);
  } finally {
    clock = previous;
  }
}

const OTHER_LISTS = ['people', 'conversations', 'scores'] as const;

/**
 * `createSignalsBatchSchema({ now }).safeParse(body)`, the same result (success, data, and on
 * failure zod's own error), faster for the common batch of valid canonical interactions: those
 * are checked by {@link fastInteraction}; people, conversations and scores are still parsed by
 * zod. Whenever the fast path is not certain, the whole body goes to zod.
 */
export function parseSignalsBatch(body: unknown, now: () => Date = systemClock): SignalsBatchParseResult {
  return fastBatch(body, now) ?? zodParse(body, now);
}

function fastBatch(body: unknown, now: () => Date): SignalsBatchParseResult | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const proto: unknown = Object.getPrototypeOf(body);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let others = false;
  for (const key in body) {
    if (key === 'interactions') continue;
    if (key === 'people' || key === 'conversations' || key === 'scores') others = true;
    else return undefined;
  }
  const b = body as Record<string, unknown>;
  const interactions = b.interactions;
  if (!Array.isArray(interactions)) return undefined;
  const n = interactions.length;
  // The size rule, as BatchSize counts (a list that is not an array counts 0).
  let total = n;
  for (const list of OTHER_LISTS) {
    const items = b[list];
    if (Array.isArray(items)) total += items.length;
  }
  if (total > MAX_SIGNALS_PER_BATCH) return undefined;

  const parsed = new Array<InteractionInput>(n);
  if (n > 0) {
    const nowMs = now().getTime();
    const seen = n > 1 ? new Set<string>() : undefined;
    for (let i = 0; i < n; i++) {
      const item = fastInteraction(interactions[i], nowMs);
      if (item === undefined) return undefined;
      if (seen) {
        if (seen.has(item.externalId)) return undefined;
        seen.add(item.externalId);
      }
      parsed[i] = item;
    }
  }

  // Presence as zod sees it (`in`, so also a non-enumerable or inherited key).
  if (!others && !('people' in b) && !('conversations' in b) && !('scores' in b)) {
    if (n === 0) return undefined; // "a batch needs at least one item": zod's issue
    return { success: true, data: { interactions: parsed } };
  }

  // The other lists, parsed by zod as a batch of their own: same item rules, same duplicate
  // rules (per list), and the size rule holds as the whole batch passed it.
  const rest: Record<string, unknown> = {};
  let restItems = 0;
  let restAllArrays = true;
  for (const list of OTHER_LISTS) {
    if (!(list in b)) continue;
    const items = b[list];
    rest[list] = items;
    if (Array.isArray(items)) restItems += items.length;
    else restAllArrays = false;
  }
  let restData: Record<string, unknown>;
  if (restItems === 0) {
    // Zod would call the rest an empty batch. Empty lists parse to fresh empty lists; anything
    // else (an explicit undefined, a wrong type) goes to zod with the whole body.
    if (!restAllArrays || n === 0) return undefined;
    restData = {};
    for (const list of OTHER_LISTS) if (list in rest) restData[list] = [];
  } else {
    const result = zodParse(rest, now);
    if (!result.success) return undefined;
    restData = result.data as Record<string, unknown>;
  }

  // zod's output order is the shape's: people, interactions, conversations, scores.
  const data: Record<string, unknown> = {};
  if ('people' in restData) data.people = restData.people;
  data.interactions = parsed;
  if ('conversations' in restData) data.conversations = restData.conversations;
  if ('scores' in restData) data.scores = restData.scores;
  return { success: true, data: data as SignalsBatch };
}
