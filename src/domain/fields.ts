/**
 * The field catalogue: every CRM field Sway owns, declared once.
 *
 * HubSpot property provisioning, Salesforce field provisioning, the generated files under
 * `manifests/`, the Salesforce permission set and the push job's value mapping all derive from
 * FIELD_CATALOGUE, so a field added here appears everywhere and cannot drift between CRMs.
 * After changing this file, regenerate the manifests (`npx tsx scripts/generate-manifests.ts`);
 * a unit test fails until the files on disk match.
 */
import { CANONICAL_STAGES, STAGE_LABELS } from './stages.ts';

/** Sway's own, CRM-neutral field types. */
export type FieldType = 'number' | 'text' | 'longtext' | 'picklist' | 'datetime' | 'checkbox';

/** Every field key; the order is the display order in both CRMs. */
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
] as const;

export type FieldKey = (typeof FIELD_KEYS)[number];

export type HubSpotObjectType = 'contacts';
export type SalesforceObjectName = 'Contact' | 'Lead';
export const SALESFORCE_OBJECTS: readonly SalesforceObjectName[] = ['Contact', 'Lead'];

/** One field Sway owns, with its name and placement in each CRM. */
export interface FieldDef {
  /** Stable internal key (camelCase); what the push job and the store use. */
  key: FieldKey;
  /** Shown to users in both CRMs (Salesforce allows at most 40 characters). */
  label: string;
  /** Admin-facing description; also Salesforce inline help for reps (at most 510 characters). */
  description: string;
  type: FieldType;
  /** Picklist options, in display order. Values are what Sway writes. */
  options?: readonly { value: string; label: string }[];
  /** Salesforce Number precision (total digits) and scale (decimals); values are rounded to scale. */
  number?: { precision: number; scale: number };
  /** HubSpot property name (`sway_*`, in group "sway") and the objects that get it. */
  hubspot: { name: string; objects: readonly HubSpotObjectType[] };
  /** Salesforce API name (`Sway_*__c`) and the objects that get it. */
  salesforce: { name: string; objects: readonly SalesforceObjectName[] };
}

/** A value the push job may hand to a mapper; null/undefined mean "clear the field". */
export type FieldValue = string | number | boolean | Date | null | undefined;
export type ContactFieldValues = Partial<Record<FieldKey, FieldValue>>;

/** The HubSpot property group all Sway properties live in; -1 sorts it after HubSpot's own. */
export const HUBSPOT_PROPERTY_GROUP = { name: 'sway', label: 'Sway', displayOrder: -1 } as const;

/** Separator for list-valued text fields (top topics); HubSpot uses ';' for multi-values too. */
export const TOPIC_SEPARATOR = ';';

/** Joins topics for a text field; a ';' inside a topic would split it on read, so it becomes ','. */
export function joinTopics(topics: readonly string[]): string {
  return topics.map((t) => t.replaceAll(TOPIC_SEPARATOR, ',').trim()).filter(Boolean).join(TOPIC_SEPARATOR);
}

const STAGE_OPTIONS = CANONICAL_STAGES.map((value) => ({ value, label: STAGE_LABELS[value] }));
const CONTACT_EVERYWHERE = {
  hubspot: ['contacts'] as const,
  salesforce: ['Contact', 'Lead'] as const,
};

/** Builds one entry; names follow one pattern so they are derived, not typed twice. */
function field(
  key: FieldKey,
  snake: string,
  def: Omit<FieldDef, 'key' | 'hubspot' | 'salesforce'>,
): FieldDef {
  const salesforceName = `Sway_${snake
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('_')}__c`;
  return {
    key,
    ...def,
    hubspot: { name: `sway_${snake}`, objects: CONTACT_EVERYWHERE.hubspot },
    salesforce: { name: salesforceName, objects: CONTACT_EVERYWHERE.salesforce },
  };
}

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
];

const BY_KEY = new Map(FIELD_CATALOGUE.map((f) => [f.key, f]));

/** The catalogue entry for a key. Throws only if the catalogue itself is broken. */
export function getField(key: FieldKey): FieldDef {
  const found = BY_KEY.get(key);
  if (!found) throw new Error(`field catalogue has no entry for ${key}`);
  return found;
}

/** Fields provisioned on a HubSpot object type, in display order. */
export function hubspotFieldsFor(objectType: HubSpotObjectType): readonly FieldDef[] {
  return FIELD_CATALOGUE.filter((f) => f.hubspot.objects.includes(objectType));
}

/** Fields provisioned on a Salesforce object, in display order. */
export function salesforceFieldsFor(objectName: SalesforceObjectName): readonly FieldDef[] {
  return FIELD_CATALOGUE.filter((f) => f.salesforce.objects.includes(objectName));
}

// ---------------------------------------------------------------------------------------------
// HubSpot mapping

export type HubSpotPropertyType = 'number' | 'string' | 'enumeration' | 'datetime' | 'bool';
export type HubSpotFieldType = 'number' | 'text' | 'textarea' | 'select' | 'date' | 'booleancheckbox';

/**
 * HubSpot type/fieldType per Sway type. Only these pairs are valid for what we store; note a
 * `datetime` property uses fieldType `date` (HubSpot has no separate date-time widget).
 */
export const HUBSPOT_PROPERTY_TYPES: Readonly<
  Record<FieldType, { type: HubSpotPropertyType; fieldType: HubSpotFieldType }>
> = {
  number: { type: 'number', fieldType: 'number' },
  text: { type: 'string', fieldType: 'text' },
  longtext: { type: 'string', fieldType: 'textarea' },
  picklist: { type: 'enumeration', fieldType: 'select' },
  datetime: { type: 'datetime', fieldType: 'date' },
  checkbox: { type: 'bool', fieldType: 'booleancheckbox' },
};

export interface HubSpotPropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: false;
}

/** Body of `POST /crm/v3/properties/{objectType}` (and one input of its batch/create). */
export interface HubSpotPropertyCreate {
  name: string;
  label: string;
  type: HubSpotPropertyType;
  fieldType: HubSpotFieldType;
  groupName: string;
  description: string;
  options?: HubSpotPropertyOption[];
  displayOrder?: number;
}

/** HubSpot requires bool properties to declare exactly these two options. */
const BOOL_OPTIONS: readonly { value: string; label: string }[] = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

/** The create-property request for one field; displayOrder follows the catalogue order. */
export function toHubSpotPropertyCreate(field: FieldDef): HubSpotPropertyCreate {
  const { type, fieldType } = HUBSPOT_PROPERTY_TYPES[field.type];
  const options = field.type === 'checkbox' ? BOOL_OPTIONS : field.options;
  return {
    name: field.hubspot.name,
    label: field.label,
    type,
    fieldType,
    groupName: HUBSPOT_PROPERTY_GROUP.name,
    description: field.description,
    ...(options && {
      options: options.map((o, i) => ({ label: o.label, value: o.value, displayOrder: i, hidden: false as const })),
    }),
    displayOrder: FIELD_KEYS.indexOf(field.key),
  };
}

/**
 * The string HubSpot's batch update takes for a field (all property values are strings there).
 *
 * - null/undefined → '' which clears the property.
 * - number → plain decimal (never exponent notation), rounded half away from zero to the
 *   field's scale, so HubSpot and Salesforce hold the same value.
 * - datetime → epoch milliseconds in UTC, as a string. HubSpot documents millisecond
 *   timestamps as the accepted input for datetime properties ("Datetime properties can store
 *   any time, so any valid millisecond timestamp would be accepted":
 *   https://developers.hubspot.com/docs/faq/how-should-timestamps-be-formatted-for-hubspots-apis).
 *   Accepts a Date, epoch ms, or an ISO 8601 string. HubSpot reads values back as ISO 8601,
 *   so compare instants, not strings, when diffing.
 * - checkbox → 'true' / 'false'; picklist → one of the option values; text → as given.
 *
 * @throws TypeError when the value's type does not suit the field, RangeError for a
 *   non-finite or unrepresentable number, an invalid date or an unknown picklist value —
 *   each is a bug in the caller, and writing a wrong value silently would be worse.
 */
export function toHubSpotValue(field: FieldDef, value: FieldValue): string {
  if (value === null || value === undefined) return '';
  switch (field.type) {
    case 'number':
      if (typeof value !== 'number') throw typeError(field, value);
      return formatDecimal(value, field.number?.scale ?? 0, field);
    case 'datetime':
      return String(toEpochMs(field, value));
    case 'checkbox':
      if (typeof value !== 'boolean') throw typeError(field, value);
      return value ? 'true' : 'false';
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
  if (!Number.isFinite(ms)) throw new RangeError(`${field.key}: invalid date ${String(value)}`);
  return Math.round(ms);
}

/** Rounds half away from zero at `scale` decimals and prints without exponent or trailing zeros. */
function formatDecimal(value: number, scale: number, field: FieldDef): string {
  // toFixed switches to exponent notation at 1e21; such a value is a bug for every Sway field.
  if (!Number.isFinite(value) || Math.abs(value) >= 1e21) {
    throw new RangeError(`${field.key}: ${value} is not a representable number`);
  }
  const factor = 10 ** scale;
  // toPrecision(15) removes binary noise first, so 1.005 rounds to 1.01 as a person expects.
  const scaled = Number((Math.abs(value) * factor).toPrecision(15));
  const rounded = (Math.sign(value) * Math.round(scaled)) / factor;
  let text = rounded.toFixed(scale);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}
