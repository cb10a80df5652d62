/**
 * File import, pure part: turns one row of an NDJSON or CSV file into one validated item of a
 * signals batch (a person, an interaction, a brand conversation or a provider score), or into
 * the list of problems that keep it out. No I/O; `src/import/` reads files and stores items.
 *
 * The rules are the API's (src/domain/signals.ts): every row is checked with the same item
 * schema a `POST /api/v1/signals` item gets, so an imported row and an API item are judged
 * alike. Issue paths are relative to the row (`emails.0`, `occurredAt`).
 *
 * Interactions and conversations without an `externalId` get one derived from their content
 * (`h:` + SHA-256 of the parsed row with sorted keys), so importing the same file twice stores
 * nothing new — and the same event gives the same id from NDJSON and from CSV.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  conversationSchema,
  createSignalsBatchSchema,
  formatIssues,
  PersonSchema,
  ScoreSchema,
  type ConversationInput,
  type FormattedIssue,
  type InteractionInput,
  type PersonInput,
  type ScoreInput,
} from './signals.ts';
import { fastInteraction } from './signals-fast.ts';

export const ITEM_TYPES = ['person', 'interaction', 'conversation', 'score'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** The list in a signals batch that holds each item type. */
export const BATCH_LIST = { person: 'people', interaction: 'interactions', conversation: 'conversations', score: 'scores' } as const;
export type BatchList = (typeof BATCH_LIST)[ItemType];

const TYPE_NAMES: Record<string, ItemType> = {
  person: 'person',
  people: 'person',
  interaction: 'interaction',
  interactions: 'interaction',
  conversation: 'conversation',
  conversations: 'conversation',
  score: 'score',
  scores: 'score',
};

/** `person`/`people`, `interaction(s)`, `conversation(s)`, `score(s)`, any case; otherwise undefined. */
export function parseItemType(name: string): ItemType | undefined {
  return TYPE_NAMES[name.trim().toLowerCase()];
}

export type ImportItem =
  | { type: 'person'; value: PersonInput }
  | { type: 'interaction'; value: InteractionInput }
  | { type: 'conversation'; value: ConversationInput }
  | { type: 'score'; value: ScoreInput };

export type RowResult = { ok: true; item: ImportItem } | { ok: false; issues: FormattedIssue[] };

export interface RowMapper {
  /** One NDJSON line, already JSON-parsed: an object with `type` plus the item's API fields. */
  fromJson(row: unknown): RowResult;
  /** One CSV record as header → cell. Cells are text; see {@link csvRecordToItem} for the rules. */
  fromCsv(record: Record<string, string>): RowResult;
}

export interface RowMapperOptions {
  /** The clock for "not more than a day in the future", read once per import. */
  now: Date;
  /**
   * The type given on the command line (`--type`). Rows without a `type` take it; a row whose
   * own `type` differs is rejected (the file is not what the caller said).
   */
  type?: ItemType;
}

/** Builds the per-row mapper of one import (one clock, schemas built once). */
export function createRowMapper(options: RowMapperOptions): RowMapper {
  const schemas = itemSchemas(options.now);
  const resolveType = (raw: unknown): { type: ItemType } | { issue: FormattedIssue } => {
    if (raw === undefined || raw === '') {
      if (options.type) return { type: options.type };
      return { issue: { path: 'type', message: `Missing type: give one of ${ITEM_TYPES.join(', ')} (or pass --type)` } };
    }
    const type = typeof raw === 'string' ? parseItemType(raw) : undefined;
    if (!type) return { issue: { path: 'type', message: `Unknown type ${JSON.stringify(raw)}: expected one of ${ITEM_TYPES.join(', ')}` } };
    if (options.type && type !== options.type) {
      return { issue: { path: 'type', message: `Row is a ${type} but --type says ${options.type}` } };
    }
    return { type };
  };

  return {
    fromJson(row) {
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        return { ok: false, issues: [{ path: '', message: 'Each line must be a JSON object with a "type"' }] };
      }
      const t = resolveType((row as Record<string, unknown>).type);
      if ('issue' in t) return { ok: false, issues: [t.issue] };
      // The common row, judged in place (no copy without `type`); everything else below.
      if (t.type === 'interaction' && (row as Record<string, unknown>).externalId !== undefined) {
        const fast = fastInteraction(row, schemas.nowMs, 'type');
        if (fast) return { ok: true, item: { type: 'interaction', value: fast } };
      }
      const { type: _type, ...fields } = row as Record<string, unknown>;
      return validate(schemas, t.type, fields, []);
    },
    fromCsv(record) {
      const t = resolveType(record.type?.trim() ?? '');
      if ('issue' in t) return { ok: false, issues: [t.issue] };
      const { value, issues } = csvRecordToItem(t.type, record);
      const result = validate(schemas, t.type, value, issues);
      // A score's scale comes from two columns: point at them, not at the API's `scale.min`.
      if (!result.ok && t.type === 'score') {
        for (const i of result.issues) i.path = i.path.replace(/^scale\.(min|max)$/, (_, m: string) => `scale${m[0]!.toUpperCase()}${m.slice(1)}`);
      }
      return result;
    },
  };
}

type ItemSchemas = { [K in ItemType]: z.ZodType<Extract<ImportItem, { type: K }>['value']> } & { nowMs: number };

function itemSchemas(now: Date): ItemSchemas {
  const clock = () => now;
  // The interaction schema is not exported on its own; take the batch schema's item schema so
  // both stay one definition.
  const batch = createSignalsBatchSchema({ now: clock });
  return {
    nowMs: now.getTime(),
    person: PersonSchema,
    interaction: batch.out.shape.interactions.unwrap().element,
    conversation: conversationSchema(clock),
    score: ScoreSchema,
  };
}

/** A stand-in id while the row is validated; replaced by the content hash. */
const PLACEHOLDER_ID = 'h:pending';

function validate(schemas: ItemSchemas, type: ItemType, fields: Record<string, unknown>, preIssues: FormattedIssue[]): RowResult {
  const needsId = (type === 'interaction' || type === 'conversation') && fields.externalId === undefined;
  const input = needsId ? { ...fields, externalId: PLACEHOLDER_ID } : fields;
  // Most rows of a big file are plain valid interactions: the hand-written check gives zod's
  // exact output for those at a tenth of the cost (signals-fast.ts); zod judges the rest.
  const fast = type === 'interaction' && preIssues.length === 0 ? fastInteraction(input, schemas.nowMs) : undefined;
  if (fast) {
    if (needsId) fast.externalId = contentId(type, fast);
    return { ok: true, item: { type: 'interaction', value: fast } };
  }
  const parsed = schemas[type].safeParse(input);
  if (!parsed.success || preIssues.length > 0) {
    // A cell that could not be converted (preIssues) is also reported by the schema at the same
    // path with a vaguer message ("expected number"); keep only the clearer one.
    const taken = new Set(preIssues.map((i) => i.path));
    const schemaIssues = parsed.success ? [] : formatIssues(parsed.error).filter((i) => !taken.has(i.path));
    return { ok: false, issues: [...preIssues, ...schemaIssues] };
  }
  const value = parsed.data as ImportItem['value'];
  if (needsId) (value as { externalId: string }).externalId = contentId(type, value);
  return { ok: true, item: { type, value } as ImportItem };
}

/**
 * The id of an item that came without one: `h:` + hex SHA-256 of the type and the parsed item
 * (normalised: UTC time, lower-cased emails…) as JSON with sorted keys, its `externalId` left out.
 */
export function contentId(type: ItemType, value: object): string {
  const { externalId: _ignored, ...content } = value as Record<string, unknown>;
  return `h:${createHash('sha256').update(canonicalJson({ type, ...content })).digest('hex')}`;
}

/** JSON with object keys sorted at every level (undefined members dropped, as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    // Lists of plain values (topics, emails) are the common case: one native call.
    if (value.every((v) => v === null || typeof v !== 'object')) return JSON.stringify(value);
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// CSV cells → item fields

type Cell = 'text' | 'number' | 'list' | 'handles' | 'providerScores';

/** How each CSV column of a type is read; a column not listed is passed on as text (and then refused by the strict schema). */
const CSV_COLUMNS: Record<ItemType, Record<string, Cell>> = {
  person: { id: 'text', name: 'text', emails: 'list', handles: 'handles', audienceSize: 'number', providerScores: 'providerScores', topics: 'list' },
  interaction: { externalId: 'text', from: 'text', to: 'text', kind: 'text', topics: 'list', sentiment: 'number', occurredAt: 'text' },
  conversation: { externalId: 'text', person: 'text', network: 'text', text: 'text', topics: 'list', sentiment: 'number', occurredAt: 'text' },
  score: { person: 'text', provider: 'text', score: 'number', scaleMin: 'number', scaleMax: 'number' },
};

/** A decimal number as people write it in a spreadsheet: optional sign, digits, optional fraction and exponent. */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
export const LIST_SEPARATOR = ';';

const list = (cell: string) =>
  cell
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * One CSV record (header → cell) as the item's API fields, before validation. Rules: cells are
 * trimmed and an empty cell is an absent field; the `type` column is not a field; numbers are
 * parsed; `emails` and `topics` are lists separated by `;`; `handles` are `network:handle`
 * separated by `;`; a person's `providerScores` are `provider:score` or
 * `provider:score:min:max` separated by `;`; a score's scale is given as `scaleMin`,`scaleMax`
 * (both or neither). Cells that cannot be read are returned as issues (and left as text).
 */
export function csvRecordToItem(type: ItemType, record: Record<string, string>): { value: Record<string, unknown>; issues: FormattedIssue[] } {
  const columns = CSV_COLUMNS[type];
  const value: Record<string, unknown> = {};
  const issues: FormattedIssue[] = [];
  for (const [name, raw] of Object.entries(record)) {
    if (name === 'type') continue;
    const cell = raw.trim();
    if (cell === '') continue;
    switch (columns[name] ?? 'text') {
      case 'text':
        value[name] = cell;
        break;
      case 'number':
        if (NUMBER.test(cell)) value[name] = Number(cell);
        else {
          value[name] = cell;
          issues.push({ path: name, message: `Expected a number, got ${JSON.stringify(cell)}` });
        }
        break;
      case 'list':
        value[name] = list(cell);
        break;
      case 'handles':
        value[name] = list(cell).map((entry, n) => {
          const colon = entry.indexOf(':');
          if (colon <= 0 || colon === entry.length - 1) {
            issues.push({ path: `${name}.${n}`, message: `Expected network:handle (e.g. linkedin:dana), got ${JSON.stringify(entry)}` });
            return entry;
          }
          return { network: entry.slice(0, colon).trim().toLowerCase(), handle: entry.slice(colon + 1).trim() };
        });
        break;
      case 'providerScores':
        value[name] = list(cell).map((entry, n) => {
          const [provider, score, min, max, ...rest] = entry.split(':').map((s) => s.trim());
          const nums = [score, min, max].filter((s) => s !== undefined);
          const shapeOk = provider && score !== undefined && (min === undefined) === (max === undefined) && rest.length === 0;
          if (!shapeOk || !nums.every((s) => NUMBER.test(s!))) {
            issues.push({ path: `${name}.${n}`, message: `Expected provider:score or provider:score:min:max (e.g. klear:71), got ${JSON.stringify(entry)}` });
            return entry;
          }
          return min === undefined ? { provider, score: Number(score) } : { provider, score: Number(score), scale: { min: Number(min), max: Number(max) } };
        });
        break;
    }
  }
  if (type === 'score' && ('scaleMin' in value || 'scaleMax' in value)) {
    const { scaleMin, scaleMax } = value;
    delete value.scaleMin;
    delete value.scaleMax;
    if (scaleMin === undefined || scaleMax === undefined) {
      issues.push({ path: scaleMin === undefined ? 'scaleMin' : 'scaleMax', message: 'Give both scaleMin and scaleMax, or neither (0..100)' });
    } else if (typeof scaleMin === 'number' && typeof scaleMax === 'number') {
      value.scale = { min: scaleMin, max: scaleMax };
    }
  }
  return { value, issues };
}

/** Issues as one line for a person to read: `path: message; path: message`. */
export function describeIssues(issues: readonly FormattedIssue[]): string {
  return issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
}
