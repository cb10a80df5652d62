/**
 * The field catalogue (src/domain/fields.ts) as HubSpot properties: names (`sway_*`, in the
 * group "sway"), property types, the create-property body and the string values HubSpot's
 * batch update takes. Pure.
 */
import {
  checkFieldValue,
  FIELD_CATALOGUE,
  FIELD_KEYS,
  plainDecimal,
  type FieldDef,
  type FieldType,
  type FieldValue,
} from '../../src/domain/fields.ts';
import type { CrmObject } from '../../src/domain/objects.ts';

/**
 * HubSpot object types that get Sway properties. HubSpot has no lead object Sway writes to, and
 * no writable campaign object for Sway's results, so fields on other neutral objects are not
 * provisioned here.
 */
export type HubSpotObjectType = 'contacts' | 'deals';
export const HUBSPOT_PROPERTY_OBJECTS: readonly HubSpotObjectType[] = ['contacts', 'deals'];
const OBJECT_TYPES: Readonly<Partial<Record<CrmObject, HubSpotObjectType>>> = { contact: 'contacts', deal: 'deals' };

/** The HubSpot property group all Sway properties live in (on each object type); -1 sorts it after HubSpot's own. */
export const HUBSPOT_PROPERTY_GROUP = { name: 'sway', label: 'Sway', displayOrder: -1 } as const;

/** A field's HubSpot property name: `sway_` and the catalogue's stem. */
export function hubspotPropertyName(field: FieldDef): string {
  return `sway_${field.name}`;
}

/** The HubSpot object types a field is provisioned on. */
export function hubspotObjectsOf(field: FieldDef): HubSpotObjectType[] {
  return field.objects.flatMap((o) => OBJECT_TYPES[o] ?? []);
}

/** Fields provisioned on a HubSpot object type, in display order. */
export function hubspotFieldsFor(objectType: HubSpotObjectType): readonly FieldDef[] {
  return FIELD_CATALOGUE.filter((f) => hubspotObjectsOf(f).includes(objectType));
}

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
    name: hubspotPropertyName(field),
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
 * The string HubSpot's batch update takes for a field (all property values are strings there),
 * after the neutral checks and rounding (src/domain/fields.ts checkFieldValue).
 *
 * - null/undefined → '' which clears the property.
 * - number → plain decimal (never exponent notation), rounded to the field's scale.
 * - datetime → epoch milliseconds in UTC, as a string. HubSpot documents millisecond
 *   timestamps as the accepted input for datetime properties ("Datetime properties can store
 *   any time, so any valid millisecond timestamp would be accepted":
 *   https://developers.hubspot.com/docs/faq/how-should-timestamps-be-formatted-for-hubspots-apis).
 *   HubSpot reads values back as ISO 8601, so compare instants, not strings, when diffing.
 * - checkbox → 'true' / 'false'; picklist → one of the option values; text → as given.
 *
 * @throws as checkFieldValue does, for a value that does not suit the field.
 */
export function toHubSpotValue(field: FieldDef, value: FieldValue): string {
  const v = checkFieldValue(field, value);
  if (v === null) return '';
  if (v instanceof Date) return String(v.getTime());
  if (typeof v === 'number') return plainDecimal(v, field.number?.scale ?? 0);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v;
}
