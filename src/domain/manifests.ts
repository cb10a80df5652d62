/**
 * Renders the generated files under `manifests/` from the field catalogue. Pure: returns the
 * files as a Map; scripts/generate-manifests.ts writes or checks them, and a unit test fails
 * when the files on disk differ, so the catalogue stays the single source of truth.
 *
 * Also exports the Salesforce CustomField mapping, which the Salesforce connector can hand to
 * the Metadata API (jsforce `metadata.upsert('CustomField', ...)`) unchanged.
 */
import {
  HUBSPOT_PROPERTY_GROUP,
  SALESFORCE_OBJECTS,
  hubspotFieldsFor,
  salesforceFieldsFor,
  toHubSpotPropertyCreate,
  type FieldDef,
  type FieldType,
  type SalesforceObjectName,
} from './fields.ts';

/** Salesforce API version of the SFDX project (Winter '27; see CRM-NOTES.md). */
export const SALESFORCE_API_VERSION = '68.0';
/** Salesforce's limit for Text fields, and what Sway's text fields use. */
export const SALESFORCE_TEXT_LENGTH = 255;
/** LongTextArea length (Salesforce's default; the maximum is 131,072). */
export const SALESFORCE_LONG_TEXT_LENGTH = 32_768;

const GENERATED = 'generated from src/domain/fields.ts — do not edit';
const SF_ROOT = 'manifests/salesforce';
const SF_SOURCE = `${SF_ROOT}/force-app/main/default`;

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
    fullName: `${objectName}.${field.salesforce.name}`,
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

/** Every generated file, keyed by path relative to the repository root, sorted by path. */
export function renderManifests(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('manifests/hubspot/properties.json', renderHubSpotProperties());
  files.set(`${SF_ROOT}/sfdx-project.json`, renderSfdxProject());
  for (const objectName of SALESFORCE_OBJECTS) {
    for (const field of salesforceFieldsFor(objectName)) {
      const { fullName: _qualified, ...rest } = toSalesforceCustomField(field, objectName);
      // SFDX source names the object by directory, so fullName is the bare field name.
      const xml = xmlDocument('CustomField', { fullName: field.salesforce.name, ...rest });
      files.set(`${SF_SOURCE}/objects/${objectName}/fields/${field.salesforce.name}.field-meta.xml`, xml);
    }
  }
  files.set(`${SF_SOURCE}/permissionsets/Sway.permissionset-meta.xml`, renderPermissionSet());
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function renderHubSpotProperties(): string {
  const body = {
    $comment: `${GENERATED}; run npm run manifests`,
    group: HUBSPOT_PROPERTY_GROUP,
    properties: { contacts: hubspotFieldsFor('contacts').map(toHubSpotPropertyCreate) },
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** No "generated" comment here: JSON has none, and the sf CLI validates this file's keys. */
function renderSfdxProject(): string {
  const body = {
    packageDirectories: [{ path: 'force-app', default: true }],
    name: 'sway',
    namespace: '',
    sfdcLoginUrl: 'https://login.salesforce.com',
    sourceApiVersion: SALESFORCE_API_VERSION,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * Read-only access for every Sway field: Sway writes through the API, reps only read. (The
 * integration user needs edit access from its own profile or permission set.)
 */
function renderPermissionSet(): string {
  const fieldPermissions = SALESFORCE_OBJECTS.flatMap((objectName) =>
    salesforceFieldsFor(objectName).map((f) => `${objectName}.${f.salesforce.name}`),
  )
    .sort()
    .map((field) => ({ editable: false, field, readable: true }));
  return xmlDocument('PermissionSet', {
    description: `Read-only access to the Sway fields on ${SALESFORCE_OBJECTS.join(' and ')}; Sway writes them through the API.`,
    fieldPermissions,
    hasActivationRequired: false,
    label: 'Sway',
  });
}

// ---------------------------------------------------------------------------------------------
// Minimal XML writer for Metadata API documents: nested objects become elements, arrays
// repeat their element, in key order, with the 4-space indent Salesforce tools use.

type XmlValue = string | number | boolean | XmlObject | readonly XmlValue[];
interface XmlObject {
  readonly [key: string]: XmlValue | undefined;
}

function xmlDocument(root: string, body: object): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- ${GENERATED} -->`,
    `<${root} xmlns="http://soap.sforce.com/2006/04/metadata">`,
    ...xmlChildren(body as XmlObject, 1),
    `</${root}>`,
    '',
  ].join('\n');
}

function xmlChildren(obj: XmlObject, depth: number): string[] {
  return Object.entries(obj).flatMap(([name, value]) => (value === undefined ? [] : xmlElement(name, value, depth)));
}

function xmlElement(name: string, value: XmlValue, depth: number): string[] {
  if (Array.isArray(value)) return value.flatMap((item: XmlValue) => xmlElement(name, item, depth));
  const pad = '    '.repeat(depth);
  if (typeof value === 'object') {
    return [`${pad}<${name}>`, ...xmlChildren(value as XmlObject, depth + 1), `${pad}</${name}>`];
  }
  return [`${pad}<${name}>${escapeXml(String(value))}</${name}>`];
}

function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
