/**
 * Schemas for `POST /api/v1/signals`: people and the interactions between them, as sent by a
 * customer's social listening tool or our own importers.
 *
 * Parsing normalises identities (emails, handles; see identity.ts), fills in default provider
 * score scales and rewrites `occurredAt` as UTC ISO 8601 (`toISOString()`), so everything
 * downstream sees one canonical form. `occurredAt` stays a string so parsed batches are still
 * plain JSON (fixtures, logs). Objects are strict: an unknown key is almost always a misspelt
 * optional field, and silently dropping it would lose data.
 *
 * What is NOT checked here: whether `from`/`to` name people that exist. People may have been
 * sent in an earlier batch, so the route checks `collectPersonRefs(batch)` against the store.
 */
import { z } from 'zod';
import { NETWORKS, normalizeHandle } from './identity.ts';

export { NETWORKS, type Network } from './identity.ts';

export const INTERACTION_KINDS = ['mention', 'reply', 'share', 'like', 'review', 'referral', 'follow'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

/** Most people plus interactions in one request; larger imports are split by the caller. */
export const MAX_SIGNALS_PER_BATCH = 5_000;
/** How far in the future `occurredAt` may be: absorbs callers' clock skew and time-zone bugs. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * Strings Sway stores: PostgreSQL text cannot hold NUL (U+0000), so one is refused here rather
 * than failing the database write (or a lookup) with a 500.
 */
const NO_NUL = /^[^\u0000]*$/;

/**
 * True when `s` has no unpaired UTF-16 surrogate. A lone surrogate (`"\ud800"`) cannot be
 * encoded as UTF-8: on its way to the store it becomes U+FFFD, so two different ids became one
 * row and lookups by the sent id missed it (issue 10, item 2). Every string field refuses them.
 * `String.prototype.isWellFormed` is native (Node ≥ 20) and linear; TypeScript's ES2022 lib
 * does not declare it yet.
 */
export function isWellFormedText(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}
export const LONE_SURROGATE_MESSAGE = 'Must not contain unpaired UTF-16 surrogates (e.g. \\ud800)';

/** A string field of a request: at most `max` characters, no lone surrogate. */
export const text = (min: number, max: number) => z.string().min(min).max(max).refine(isWellFormedText, LONE_SURROGATE_MESSAGE);
const storedText = (min: number, max: number) =>
  z.string().min(min).max(max).regex(NO_NUL, 'Must not contain NUL (\\u0000) characters').refine(isWellFormedText, LONE_SURROGATE_MESSAGE);

/**
 * Limits of every string field (README "Limits"). Ids, names and handles are well under
 * PostgreSQL's ~2,700-byte btree entry limit even at 4 UTF-8 bytes a character.
 */
export const LIMITS = {
  id: 200,
  name: 200,
  topic: 100,
  topics: 50,
  handle: 100,
  provider: 50,
  /** RFC 5321 §4.5.3.1: 64 for the local part, 254 for a whole forward path address. */
  email: 254,
  emailLocalPart: 64,
  conversationText: 10_000,
  emails: 20,
  handles: 20,
  providerScores: 20,
} as const;

const Id = storedText(1, LIMITS.id);
const Topics = z.array(storedText(1, LIMITS.topic)).max(LIMITS.topics);

// Same rule as normalizeEmail (trim, lower-case, then the zod email check), plus RFC 5321's
// lengths: a 3,000-character local part passed zod's pattern and failed the index write (500).
// The first max bounds the work trim and the pattern do on a huge string.
const Email = z
  .string()
  .max(1_000, `Invalid email address: at most ${LIMITS.email} characters`)
  .trim()
  .toLowerCase()
  .pipe(
    z
      .email({ error: 'Invalid email address' })
      .max(LIMITS.email, `Invalid email address: at most ${LIMITS.email} characters`)
      .refine((e) => e.indexOf('@') <= LIMITS.emailLocalPart, `Invalid email address: at most ${LIMITS.emailLocalPart} characters before the @`),
  );

const Handle = z
  .strictObject({ network: z.enum(NETWORKS), handle: storedText(1, 100) })
  .transform((input, ctx) => {
    const normalized = normalizeHandle(input.network, input.handle);
    if (normalized.handle === '') {
      ctx.issues.push({ code: 'custom', message: 'Handle is empty after removing "@"', input, path: ['handle'] });
      return z.NEVER;
    }
    return normalized;
  });

const ScoreScale = z
  .strictObject({ min: z.number(), max: z.number() })
  .refine((s) => s.min < s.max, { message: 'scale.min must be less than scale.max', path: ['max'] });

const ProviderScore = z
  .strictObject({
    provider: storedText(1, LIMITS.provider),
    score: z.number(),
    /** The provider's own range; Klout-style 0..100 when omitted. */
    scale: ScoreScale.default({ min: 0, max: 100 }),
  })
  // A broken scale is reported on its own; judging the score against it would only add noise.
  .refine((p) => p.scale.min >= p.scale.max || (p.score >= p.scale.min && p.score <= p.scale.max), {
    message: 'score must lie within scale (default 0..100)',
    path: ['score'],
  });

/** One person, identified by the caller's own stable id. */
export const PersonSchema = z.strictObject({
  id: Id,
  name: storedText(0, LIMITS.name).optional(),
  emails: z.array(Email).max(LIMITS.emails).optional(),
  handles: z.array(Handle).max(LIMITS.handles).optional(),
  audienceSize: z.int().min(0).optional(),
  providerScores: z.array(ProviderScore).max(LIMITS.providerScores).optional(),
  topics: Topics.optional(),
});

/** Options for {@link createSignalsBatchSchema}. */
export interface SignalsSchemaOptions {
  /** The clock used for the "not in the future" rule; read at parse time. Default: system clock. */
  now?: () => Date;
}

const DATETIME_MESSAGE = 'Expected an ISO 8601 date-time with seconds and a time zone, e.g. 2025-05-30T09:00:00Z';

/** The one date-time rule of every item: ISO 8601 with zone, not more than a day ahead, canonical UTC out. */
function occurredAtSchema(now: () => Date) {
  return z.iso
    // abort: one clear issue per bad value, not a cascade from the checks after it.
    .datetime({ offset: true, abort: true, error: DATETIME_MESSAGE })
    // One pass (this runs for every item of every batch): parse once, check, and produce one
    // canonical form (UTC, milliseconds, 'Z') so equal instants compare equal as strings.
    .transform((s, ctx) => {
      const t = Date.parse(s);
      if (!Number.isFinite(t)) {
        ctx.issues.push({ code: 'custom', message: 'Not a valid date', input: s });
        return z.NEVER;
      }
      if (t > now().getTime() + MAX_FUTURE_SKEW_MS) {
        ctx.issues.push({ code: 'custom', message: 'More than 1 day in the future', input: s });
        return z.NEVER;
      }
      return CANONICAL_INSTANT.test(s) ? s : new Date(t).toISOString();
    });
}

/** Already what toISOString() would give: no need to rebuild the string. */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A brand conversation: a person talking about the brand or its products (a post, a review, a
 * community thread), not to another person. Sentiment is given, or computed from `text`
 * (which is used for that and not stored).
 */
export function conversationSchema(now: () => Date) {
  return z.strictObject({
    externalId: Id,
    person: Id,
    network: z.enum(NETWORKS).optional(),
    text: text(1, LIMITS.conversationText).optional(),
    topics: Topics.optional(),
    sentiment: z.number().min(-1).max(1).optional(),
    occurredAt: occurredAtSchema(now),
  });
}

/** A provider's score for a person (Klout-style); normalised to a percentile per installation and provider. */
export const ScoreSchema = z.strictObject({
  person: Id,
  provider: storedText(1, LIMITS.provider),
  score: z.number(),
  scale: ScoreScale.default({ min: 0, max: 100 }),
}).refine((p) => p.scale.min >= p.scale.max || (p.score >= p.scale.min && p.score <= p.scale.max), {
  message: 'score must lie within scale (default 0..100)',
  path: ['score'],
});

function interactionSchema(now: () => Date) {
  return z
    .strictObject({
      externalId: Id,
      from: Id,
      to: Id,
      kind: z.enum(INTERACTION_KINDS),
      topics: Topics.optional(),
      sentiment: z.number().min(-1).max(1).optional(),
      occurredAt: occurredAtSchema(now),
    })
    .refine((i) => i.from !== i.to, { message: 'An interaction needs two different people', path: ['to'] });
}

/** Rejects oversized batches before any item is parsed, so a huge body costs little CPU. */
const BatchSize = z.unknown().superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null) return; // the object schema reports it
  const v = value as Record<string, unknown>;
  const total = ['people', 'interactions', 'conversations', 'scores'].reduce((n, k) => n + (Array.isArray(v[k]) ? (v[k] as unknown[]).length : 0), 0);
  if (total > MAX_SIGNALS_PER_BATCH) {
    ctx.addIssue({
      code: 'custom',
      message: `At most ${MAX_SIGNALS_PER_BATCH} items (people, interactions, conversations, scores) per batch (got ${total}); split it`,
    });
  }
});

/**
 * Builds the batch schema. Tests pass a fixed clock; the app uses {@link SignalsBatchSchema}.
 *
 * Batch-level rules (reported together with per-item issues, not only once those are fixed):
 * at least one item; no person id twice (issue at the repeat, `people.N.id`); no interaction
 * externalId twice (`interactions.N.externalId`).
 */
export function createSignalsBatchSchema(options: SignalsSchemaOptions = {}) {
  return BatchSize.pipe(batchObjectSchema(options.now ?? (() => new Date())));
}

function batchObjectSchema(now: () => Date) {
  return z
    .strictObject({
      people: z.array(PersonSchema).optional(),
      interactions: z.array(interactionSchema(now)).optional(),
      conversations: z.array(conversationSchema(now)).optional(),
      scores: z.array(ScoreSchema).optional(),
    })
    .superRefine(checkBatch, {
      // Run even when items have issues: parts of the value may be unparsed, so checkBatch is defensive.
      when: (payload) =>
        typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
    });
}

function checkBatch(
  value: { people?: unknown; interactions?: unknown; conversations?: unknown; scores?: unknown },
  ctx: z.RefinementCtx,
): void {
  const lists = [value.people, value.interactions, value.conversations, value.scores];
  const arr = (v: unknown) => (Array.isArray(v) ? v : []);
  // A present but malformed list already has its own issue; only call a well-formed batch empty.
  const wellFormed = lists.every((v) => v === undefined || Array.isArray(v));
  if (wellFormed && lists.reduce((n: number, v) => n + arr(v).length, 0) === 0) {
    ctx.addIssue({ code: 'custom', message: 'A batch needs at least one person, interaction, conversation or score', path: [] });
  }
  reportDuplicates(ctx, arr(value.people), 'people', 'id');
  reportDuplicates(ctx, arr(value.interactions), 'interactions', 'externalId');
  reportDuplicates(ctx, arr(value.conversations), 'conversations', 'externalId');
}

function reportDuplicates(ctx: z.RefinementCtx, items: unknown[], list: string, key: string): void {
  const firstIndex = new Map<string, number>();
  items.forEach((item, index) => {
    const id = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : undefined;
    if (typeof id !== 'string') return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else {
      ctx.addIssue({ code: 'custom', message: `Duplicate ${key} (first at ${list}.${first})`, path: [list, index, key] });
    }
  });
}

/** The schema for request bodies, on the system clock. */
export const SignalsBatchSchema = createSignalsBatchSchema();

/** A parsed, normalised batch (what the route hands to the store). */
export type SignalsBatch = z.output<typeof SignalsBatchSchema>;
/** A parsed person: emails and handles normalised, every provider score has a scale. */
export type PersonInput = z.output<typeof PersonSchema>;
/** A parsed interaction: `occurredAt` is UTC ISO 8601, at most 1 day in the future. */
export type InteractionInput = z.output<ReturnType<typeof interactionSchema>>;
/** A parsed brand conversation. */
export type ConversationInput = z.output<ReturnType<typeof conversationSchema>>;
/** A parsed provider score (scale filled in). */
export type ScoreInput = z.output<typeof ScoreSchema>;
/** What a caller may send before parsing (e.g. provider score scales may be omitted). */
export type SignalsBatchRequest = z.input<ReturnType<typeof batchObjectSchema>>;

/** One validation problem, as the API reports it. */
export interface FormattedIssue {
  /** Dotted path into the request body, e.g. `interactions.3.occurredAt`; '' for the body itself. */
  path: string;
  message: string;
}

/**
 * Flattens a ZodError for the `{ error: { issues } }` response body. An unknown key becomes one
 * issue at that key's own path (zod reports it on the enclosing object), so callers can point
 * at the exact field.
 */
export function formatIssues(error: z.ZodError): FormattedIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key].join('.'), message: 'Unknown field' }));
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
}

/**
 * Person ids that interactions in the batch refer to but the batch does not define; the route
 * checks these exist in the store (they may come from an earlier batch).
 */
export function collectPersonRefs(batch: Pick<SignalsBatch, 'people' | 'interactions'>): Set<string> {
  const defined = new Set((batch.people ?? []).map((p) => p.id));
  const refs = new Set<string>();
  for (const i of batch.interactions ?? []) {
    if (!defined.has(i.from)) refs.add(i.from);
    if (!defined.has(i.to)) refs.add(i.to);
  }
  return refs;
}
