/**
 * The field catalogue: every CRM field Sway owns, declared once, in CRM-neutral terms.
 *
 * Each connector derives its own names, types and value formats from it (connectors/<crm>/),
 * and so do the generated files under `manifests/` (connectors/manifests.ts) and the push
 * job's value mapping, so a field added here appears everywhere and cannot drift between CRMs.
 * After changing this file, regenerate the manifests (`npm run manifests`); a unit test fails
 * until the files on disk match.
 */
import type { CrmObject } from './objects.ts';
import { CANONICAL_STAGES, STAGE_LABELS } from './stages.ts';

/** The note every file generated from the catalogue carries (manifests/, connectors/manifests.ts). */
export const GENERATED_NOTE = 'generated from src/domain/fields.ts — do not edit';

/** Sway's own, CRM-neutral field types. */
export type FieldType = 'number' | 'text' | 'longtext' | 'picklist' | 'datetime' | 'checkbox';

/** Every field key; the order is the display order in every CRM. */
export const FIELD_KEYS = [
  'influenceScore',
  'topTopics',
  'brandSentiment',
  'conversations30d',
  'lastConversationAt',
  'stage',
  'bestInfluencer',
  'matchScore',
  'matchReason',
  'stageAtMatch',
  'matchedAt',
  'advocate',
  'campaign',
  'campaignArm',
  'campaignConverted',
  'influencingCampaign',
] as const;

export type FieldKey = (typeof FIELD_KEYS)[number];

/** One field Sway owns, as every CRM gets it. */
export interface FieldDef {
  /** Stable internal key (camelCase); what the push job and the store use. */
  key: FieldKey;
  /**
   * The snake_case stem each connector builds its API name from (with its own prefix or
   * suffix), so names follow one pattern and are derived, not typed once per CRM.
   */
  name: string;
  /** Shown to users in every CRM (at most 40 characters, the tightest CRM limit). */
  label: string;
  /** Admin-facing description; also inline help for reps where the CRM has it (at most 510 characters). */
  description: string;
  type: FieldType;
  /** Picklist options, in display order. Values are what Sway writes. */
  options?: readonly { value: string; label: string }[];
  /** Number precision (total digits) and scale (decimals); values are rounded to scale. */
  number?: { precision: number; scale: number };
  /** The neutral objects (src/domain/objects.ts) that get the field. */
  objects: readonly CrmObject[];
}

/** A value the push job may hand to a mapper; null/undefined mean "clear the field". */
export type FieldValue = string | number | boolean | Date | null | undefined;
export type ContactFieldValues = Partial<Record<FieldKey, FieldValue>>;

/** Separator for list-valued text fields (top topics); CRMs commonly use ';' for multi-values too. */
export const TOPIC_SEPARATOR = ';';

/** Joins topics for a text field; a ';' inside a topic would split it on read, so it becomes ','. */
export function joinTopics(topics: readonly string[]): string {
  return topics.map((t) => t.replaceAll(TOPIC_SEPARATOR, ',').trim()).filter(Boolean).join(TOPIC_SEPARATOR);
}

const STAGE_OPTIONS = CANONICAL_STAGES.map((value) => ({ value, label: STAGE_LABELS[value] }));
/** Person fields go on every person object (contacts and leads). */
const PERSON_EVERYWHERE: readonly CrmObject[] = ['contact', 'lead'];

/** Builds one entry; `objects` defaults to every person object. */
function field(key: FieldKey, name: string, def: Omit<FieldDef, 'key' | 'name' | 'objects'>, objects: readonly CrmObject[] = PERSON_EVERYWHERE): FieldDef {
  return { key, name, ...def, objects };
}

/** The arms of a campaign (src/outcomes/assignment.ts), as the arm field's options. */
const ARM_OPTIONS = [
  { value: 'treatment', label: 'Treatment' },
  { value: 'control', label: 'Control (holdout)' },
] as const;

/** The catalogue. Order = FIELD_KEYS order = display order. */
export const FIELD_CATALOGUE: readonly FieldDef[] = [
  field('influenceScore', 'influence_score', {
    label: 'Sway Influence Score',
    description:
      'Overall social influence, 0-100, from reach, recent engagement and provider scores. ' +
      'One input to matching, not a ranking on its own.',
    type: 'number',
    number: { precision: 3, scale: 0 },
  }),
  field('topTopics', 'top_topics', {
    label: 'Sway Top Topics',
    description: 'The topics this person talks about most in recent conversations, separated by ";".',
    type: 'text',
  }),
  field('brandSentiment', 'brand_sentiment', {
    label: 'Sway Brand Sentiment',
    description: 'Mean sentiment of this person\'s recent conversations, from -1 (negative) to 1 (positive).',
    type: 'number',
    number: { precision: 3, scale: 2 },
  }),
  field('conversations30d', 'conversations_30d', {
    label: 'Sway Conversations (30 days)',
    description: 'Number of social conversations involving this person in the last 30 days.',
    type: 'number',
    number: { precision: 9, scale: 0 },
  }),
  field('lastConversationAt', 'last_conversation_at', {
    label: 'Sway Last Conversation At',
    description: 'When this person last took part in a social conversation Sway knows about.',
    type: 'datetime',
  }),
  field('stage', 'stage', {
    label: 'Sway Stage',
    description: 'Purchase stage, mapped from this CRM\'s own stage values by the Sway settings.',
    type: 'picklist',
    options: STAGE_OPTIONS,
  }),
  field('bestInfluencer', 'best_influencer', {
    label: 'Sway Best Influencer',
    description: 'The person most likely to move this prospect forward at their current stage (name or handle).',
    type: 'text',
  }),
  field('matchScore', 'match_score', {
    label: 'Sway Match Score',
    description: 'How strongly the best influencer fits this prospect at this stage, 0-100.',
    type: 'number',
    number: { precision: 4, scale: 1 },
  }),
  field('matchReason', 'match_reason', {
    label: 'Sway Match Reason',
    description: 'Why Sway chose the best influencer, in words a rep can use.',
    type: 'longtext',
  }),
  field('stageAtMatch', 'stage_at_match', {
    label: 'Sway Stage At Match',
    description: 'The prospect\'s stage when the best influencer was chosen; a later change suggests re-matching.',
    type: 'picklist',
    options: STAGE_OPTIONS,
  }),
  field('matchedAt', 'matched_at', {
    label: 'Sway Matched At',
    description: 'When Sway last chose the best influencer for this prospect.',
    type: 'datetime',
  }),
  field('advocate', 'advocate', {
    label: 'Sway Advocate',
    description: 'Checked when this person repeatedly speaks positively about the brand and can be asked to help.',
    type: 'checkbox',
  }),
  // Campaign write-back (docs/campaigns.md). Contacts only: Salesforce keeps campaign membership
  // on CampaignMember, and campaign-level results (lift, interval, p-value, ROI) belong on
  // Salesforce's Campaign object, which no connector writes yet, so they are not declared here.
  field(
    'campaign',
    'campaign',
    {
      label: 'Sway Campaign',
      description: 'The Sway campaign this contact is a member of (name and id); the latest started one when there are several.',
      type: 'text',
    },
    ['contact'],
  ),
  field(
    'campaignArm',
    'campaign_arm',
    {
      label: 'Sway Campaign Arm',
      description:
        'Which arm of the Sway campaign this contact was randomly assigned to: treatment (influencers engage) or control ' +
        '(the holdout, left alone so the campaign can be measured). Do not change a control contact\'s handling.',
      type: 'picklist',
      options: ARM_OPTIONS,
    },
    ['contact'],
  ),
  field(
    'campaignConverted',
    'campaign_converted',
    {
      label: 'Sway Campaign Converted',
      description: 'Checked when this contact reached the Sway campaign\'s outcome (a won deal or the purchase stage) inside its window.',
      type: 'checkbox',
    },
    ['contact'],
  ),
  field(
    'influencingCampaign',
    'influencing_campaign',
    {
      label: 'Sway Influencing Campaign',
      description:
        'The Sway campaign (name and id) whose treated arm included a contact on this deal when it was won inside the ' +
        'campaign window. This is attribution of the deal to the campaign\'s treated arm, not lift: the campaign\'s ' +
        'lift compares treated and holdout contacts and is in the Sway campaign report.',
      type: 'text',
    },
    ['deal'],
  ),
];

const BY_KEY = new Map(FIELD_CATALOGUE.map((f) => [f.key, f]));

/** The catalogue entry for a key. Throws only if the catalogue itself is broken. */
export function getField(key: FieldKey): FieldDef {
  const found = BY_KEY.get(key);
  if (!found) throw new Error(`field catalogue has no entry for ${key}`);
  return found;
}

/** Fields a neutral object gets, in display order. */
export function fieldsFor(object: CrmObject): readonly FieldDef[] {
  return FIELD_CATALOGUE.filter((f) => f.objects.includes(object));
}

// ---------------------------------------------------------------------------------------------
// Values: the checks and rounding every CRM needs; each connector then writes the result in
// its own format (connectors/<crm>/).

/** A value checked against its field: null clears; numbers are rounded to the field's scale. */
export type CheckedValue = string | number | boolean | Date | null;

/**
 * Checks a value against its field, the same way for every CRM.
 *
 * - null/undefined → null (clear the field).
 * - number → rounded half away from zero to the field's scale, so every CRM holds the same value.
 * - datetime → a Date at a whole millisecond, from a Date, epoch ms, or an ISO 8601 string.
 * - checkbox → boolean; picklist → one of the option values; text → as given.
 *
 * @throws TypeError when the value's type does not suit the field, RangeError for a
 *   non-finite or unrepresentable number, an invalid date or an unknown picklist value —
 *   each is a bug in the caller, and writing a wrong value silently would be worse.
 */
export function checkFieldValue(field: FieldDef, value: FieldValue): CheckedValue {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'number':
      if (typeof value !== 'number') throw typeError(field, value);
      return roundToScale(field, value);
    case 'datetime':
      return new Date(toEpochMs(field, value));
    case 'checkbox':
      if (typeof value !== 'boolean') throw typeError(field, value);
      return value;
    case 'picklist':
      if (typeof value !== 'string') throw typeError(field, value);
      if (!field.options?.some((o) => o.value === value)) {
        throw new RangeError(`${field.key}: ${JSON.stringify(value)} is not an option`);
      }
      return value;
    case 'text':
    case 'longtext':
      if (typeof value !== 'string') throw typeError(field, value);
      return value;
  }
}

function typeError(field: FieldDef, value: FieldValue): TypeError {
  const kind = value instanceof Date ? 'Date' : typeof value;
  return new TypeError(`${field.key} (${field.type}) cannot take a ${kind}`);
}

function toEpochMs(field: FieldDef, value: Exclude<FieldValue, null | undefined>): number {
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = Date.parse(value);
  else throw typeError(field, value);
  // Past ±8.64e15 ms a Date cannot hold the instant: as wrong as an unparsable string.
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new RangeError(`${field.key}: invalid date ${String(value)}`);
  return Math.round(ms);
}

/** Rounds half away from zero at the field's scale. */
function roundToScale(field: FieldDef, value: number): number {
  // plainDecimal's toFixed switches to exponent notation at 1e21; such a value is a bug for every Sway field.
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) {
    throw new RangeError(`${field.key}: ${value} is not a representable number`);
  }
  const factor = 10 ** (field.number?.scale ?? 0);
  // toPrecision(15) removes binary noise first, so 1.005 rounds to 1.01 as a person expects.
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  return (Math.sign(value) * Math.round(scaled)) / factor;
}

/** A number (already rounded to `scale`) as a plain decimal: no exponent, no trailing zeros, never "-0". */
export function plainDecimal(value: number, scale: number): string {
  let text = value.toFixed(scale);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}
