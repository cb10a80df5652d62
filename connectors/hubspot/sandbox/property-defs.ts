// Property definitions in the shape of the SDK's crm/properties `Property` model, the built-in
// contact properties, and the rules HubSpot applies when a property is created.
import { validationError } from './errors.ts';

export const PROPERTY_TYPES = ['bool', 'date', 'datetime', 'enumeration', 'number', 'phone_number', 'string'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

// Which form field types HubSpot accepts for each data type (properties API guide).
export const FIELD_TYPES: Record<PropertyType, readonly string[]> = {
  bool: ['booleancheckbox'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  number: ['number'],
  phone_number: ['phonenumber'],
  string: ['text', 'textarea', 'phonenumber', 'html', 'file'],
};

export interface PropertyOption {
  label: string;
  value: string;
  displayOrder: number;
  hidden: boolean;
  description?: string;
}

export interface PropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  description: string;
  groupName: string;
  options: PropertyOption[];
  displayOrder: number;
  calculated: boolean;
  externalOptions: boolean;
  hasUniqueValue: boolean;
  hidden: boolean;
  hubspotDefined: boolean;
  modificationMetadata: { archivable: boolean; readOnlyDefinition: boolean; readOnlyValue: boolean };
  formField: boolean;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface PropertyGroup {
  name: string;
  label: string;
  displayOrder: number;
  archived: boolean;
}

export const BUILT_IN_CONTACT_GROUPS: PropertyGroup[] = [
  { name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false },
];

// HubSpot's default lifecycle stages, in their default order.
const LIFECYCLE_STAGES: Array<[string, string]> = [
  ['subscriber', 'Subscriber'],
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
  ['evangelist', 'Evangelist'],
  ['other', 'Other'],
];

const toOptions = (pairs: Array<[string, string]>): PropertyOption[] =>
  pairs.map(([value, label], displayOrder) => ({ label, value, displayOrder, hidden: false }));

/** A HubSpot-defined property in the SDK's `Property` shape; `extra` overrides the defaults. */
export function builtInProperty(
  at: string,
  name: string,
  label: string,
  type: PropertyType,
  fieldType: string,
  extra: Partial<PropertyDefinition> = {},
): PropertyDefinition {
  return {
    name, label, type, fieldType, description: '', groupName: 'contactinformation', options: [],
    displayOrder: -1, calculated: false, externalOptions: false, hasUniqueValue: false, hidden: false,
    hubspotDefined: true,
    modificationMetadata: { archivable: false, readOnlyDefinition: true, readOnlyValue: false },
    formField: false, createdAt: at, updatedAt: at, archived: false, ...extra,
  };
}

export const READ_ONLY_VALUE = { archivable: false, readOnlyDefinition: true, readOnlyValue: true };

export function builtInContactProperties(at: string): PropertyDefinition[] {
  const def = (name: string, label: string, type: PropertyType, fieldType: string, extra: Partial<PropertyDefinition> = {}) =>
    builtInProperty(at, name, label, type, fieldType, extra);
  const readOnly = READ_ONLY_VALUE;
  return [
    def('email', 'Email', 'string', 'text', { formField: true }),
    def('firstname', 'First Name', 'string', 'text', { formField: true }),
    def('lastname', 'Last Name', 'string', 'text', { formField: true }),
    def('phone', 'Phone Number', 'string', 'phonenumber', { formField: true }),
    def('company', 'Company Name', 'string', 'text', { formField: true }),
    def('jobtitle', 'Job Title', 'string', 'text', { formField: true }),
    // A HubSpot default contact property; admins may name it in Sway's settings.handleFields.
    def('twitterhandle', 'Twitter Username', 'string', 'text'),
    // HubSpot default contact properties Sway reads as situational attributes (settings.matching.attributeFields).
    def('industry', 'Industry', 'string', 'text'),
    def('country', 'Country/Region', 'string', 'text', { formField: true }),
    def('numemployees', 'Number of Employees', 'enumeration', 'select', {
      options: toOptions(['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+'].map((v) => [v, v] as [string, string])),
    }),
    def('lifecyclestage', 'Lifecycle Stage', 'enumeration', 'radio', { options: toOptions(LIFECYCLE_STAGES) }),
    def('createdate', 'Create Date', 'datetime', 'date'),
    def('lastmodifieddate', 'Last Modified Date', 'datetime', 'date', { modificationMetadata: readOnly }),
    def('hs_object_id', 'Record ID', 'number', 'number', { modificationMetadata: readOnly }),
    // Set by merges (ids separated by ';'); read-only like on HubSpot.
    def('hs_merged_object_ids', 'Merged Contact IDs', 'enumeration', 'checkbox', { modificationMetadata: readOnly }),
    def('hs_additional_emails', 'Additional email addresses', 'enumeration', 'checkbox', { modificationMetadata: readOnly }),
  ];
}

/** Same rule HubSpot states for internal names: lower case, digits, underscores, letter first. */
export const INTERNAL_NAME = /^[a-z][a-z0-9_]*$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function requireString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') throw validationError(`Property '${key}' is required and must be a non-empty string.`);
  return v;
}

function parseOptions(raw: unknown): PropertyOption[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw validationError("Property 'options' must be an array.");
  const seen = new Set<string>();
  return raw.map((o, i) => {
    if (!isObject(o) || typeof o.label !== 'string' || typeof o.value !== 'string') {
      throw validationError(`Option at index ${i} must have string 'label' and 'value'.`);
    }
    if (seen.has(o.value)) throw validationError(`Duplicate option value '${o.value}'.`);
    seen.add(o.value);
    return {
      label: o.label,
      value: o.value,
      displayOrder: typeof o.displayOrder === 'number' ? o.displayOrder : i,
      hidden: o.hidden === true,
      ...(typeof o.description === 'string' ? { description: o.description } : {}),
    };
  });
}

/** Validates a POST /crm/v3/properties/{objectType} body; returns the new definition or throws 400. */
export function parsePropertyCreate(body: unknown, groupExists: (name: string) => boolean, at: string): PropertyDefinition {
  if (!isObject(body)) throw validationError('Invalid input JSON: expected an object.');
  const name = requireString(body, 'name');
  if (!INTERNAL_NAME.test(name)) {
    throw validationError(`Property name '${name}' is invalid: internal names must start with a letter and contain only lower-case letters, numbers and underscores.`);
  }
  const label = requireString(body, 'label');
  const type = requireString(body, 'type');
  if (!(PROPERTY_TYPES as readonly string[]).includes(type)) {
    throw validationError(`Property type '${type}' is not valid. Valid types: ${PROPERTY_TYPES.join(', ')}.`);
  }
  const fieldType = requireString(body, 'fieldType');
  const allowed = FIELD_TYPES[type as PropertyType];
  if (!allowed.includes(fieldType)) {
    throw validationError(`Field type '${fieldType}' is not compatible with property type '${type}'. Allowed: ${allowed.join(', ')}.`);
  }
  const groupName = requireString(body, 'groupName');
  if (!groupExists(groupName)) throw validationError(`Property group '${groupName}' does not exist.`);
  const options = parseOptions(body.options);
  if (type === 'bool') {
    const values = options.map((o) => o.value).sort();
    if (values.length !== 2 || values[0] !== 'false' || values[1] !== 'true') {
      throw validationError("Properties of type 'bool' require exactly two options with values 'true' and 'false'.");
    }
  } else if (type !== 'enumeration' && options.length > 0) {
    throw validationError(`Options are only allowed for properties of type 'enumeration' or 'bool', not '${type}'.`);
  }
  return {
    name, label, type: type as PropertyType, fieldType,
    description: typeof body.description === 'string' ? body.description : '',
    groupName, options,
    displayOrder: typeof body.displayOrder === 'number' ? body.displayOrder : -1,
    calculated: false, externalOptions: false,
    hasUniqueValue: body.hasUniqueValue === true,
    hidden: body.hidden === true,
    hubspotDefined: false,
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
    formField: body.formField === true,
    createdAt: at, updatedAt: at, archived: false,
  };
}
