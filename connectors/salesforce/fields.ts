/**
 * The field catalogue (src/domain/fields.ts) as Salesforce custom fields: API names
 * (`Sway_*__c`), the objects that get them and the Metadata API CustomField shape, which the
 * Salesforce connector can hand to the Metadata API (jsforce `metadata.upsert('CustomField', ...)`)
 * unchanged and which the SFDX manifests are rendered from (./manifests.ts). Pure.
 */
import { FIELD_CATALOGUE, type FieldDef, type FieldType } from '../../src/domain/fields.ts';
import type { CrmObject } from '../../src/domain/objects.ts';

export type SalesforceObjectName = 'Contact' | 'Lead';
export const SALESFORCE_OBJECTS: readonly SalesforceObjectName[] = ['Contact', 'Lead'];
// Deal (Opportunity) and campaign fields wait for the Salesforce connector's writes of those objects.
const OBJECT_NAMES: Readonly<Partial<Record<CrmObject, SalesforceObjectName>>> = { contact: 'Contact', lead: 'Lead' };

/** Salesforce's limit for Text fields, and what Sway's text fields use. */
export const SALESFORCE_TEXT_LENGTH = 255;
/** LongTextArea length (Salesforce's default; the maximum is 131,072). */
export const SALESFORCE_LONG_TEXT_LENGTH = 32_768;

/** A field's API name: `Sway_`, the catalogue's stem in Title_Case, `__c` (at most 40 characters). */
export function salesforceFieldName(field: FieldDef): string {
  return `Sway_${field.name
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('_')}__c`;
}

/** The Salesforce objects a field is created on. */
export function salesforceObjectsOf(field: FieldDef): SalesforceObjectName[] {
  return field.objects.flatMap((o) => OBJECT_NAMES[o] ?? []);
}

/** Fields created on a Salesforce object, in display order. */
export function salesforceFieldsFor(objectName: SalesforceObjectName): readonly FieldDef[] {
  return FIELD_CATALOGUE.filter((f) => salesforceObjectsOf(f).includes(objectName));
}

export type SalesforceFieldType = 'Number' | 'Text' | 'LongTextArea' | 'Picklist' | 'DateTime' | 'Checkbox';

/**
 * A CustomField in Metadata API shape. Keys are in the order Salesforce itself writes them
 * (schema order), so the XML matches a retrieve and diffs stay quiet.
 */
export interface SalesforceCustomField {
  /** `Object.Field__c` for the Metadata API; just `Field__c` in SFDX source files. */
  fullName: string;
  defaultValue?: string;
  description: string;
  externalId: boolean;
  inlineHelpText: string;
  label: string;
  length?: number;
  precision?: number;
  required?: boolean;
  scale?: number;
  type: SalesforceFieldType;
  valueSet?: {
    restricted: boolean;
    valueSetDefinition: { sorted: boolean; value: { fullName: string; default: boolean; label: string }[] };
  };
  visibleLines?: number;
}

const SALESFORCE_TYPES: Readonly<Record<FieldType, SalesforceFieldType>> = {
  number: 'Number',
  text: 'Text',
  longtext: 'LongTextArea',
  picklist: 'Picklist',
  datetime: 'DateTime',
  checkbox: 'Checkbox',
};

/**
 * The CustomField for one field on one object. `required` is set only where Salesforce
 * accepts it (not on Checkbox or LongTextArea). Picklists are restricted: Sway writes only
 * its own values, and a restricted picklist rejects anything else loudly.
 */
export function toSalesforceCustomField(field: FieldDef, objectName: SalesforceObjectName): SalesforceCustomField {
  const type = SALESFORCE_TYPES[field.type];
  const requiredAllowed = type !== 'Checkbox' && type !== 'LongTextArea';
  return {
    fullName: `${objectName}.${salesforceFieldName(field)}`,
    ...(type === 'Checkbox' && { defaultValue: 'false' }),
    description: field.description,
    externalId: false,
    inlineHelpText: field.description,
    label: field.label,
    ...(type === 'Text' && { length: SALESFORCE_TEXT_LENGTH }),
    ...(type === 'LongTextArea' && { length: SALESFORCE_LONG_TEXT_LENGTH }),
    ...(field.number && { precision: field.number.precision }),
    ...(requiredAllowed && { required: false }),
    ...(field.number && { scale: field.number.scale }),
    type,
    ...(field.options && {
      valueSet: {
        restricted: true,
        valueSetDefinition: {
          sorted: false,
          value: field.options.map((o) => ({ fullName: o.value, default: false, label: o.label })),
        },
      },
    }),
    ...(type === 'LongTextArea' && { visibleLines: 5 }),
  };
}
