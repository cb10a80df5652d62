// sObject describe bodies: the object's flags and urls and, per readable field, the attributes
// Sway reads (name, label, type, length, nillable, createable/updateable, custom, referenceTo,
// picklistValues). Real describes carry many more attributes; these keep their real names.
import type { FieldDef, ObjectDef } from './schema.ts';
import type { SandboxState } from './state.ts';
import { API_VERSION } from './types.ts';

const BASE = `/services/data/v${API_VERSION}`;

function fieldJson(field: FieldDef) {
  const numeric = ['double', 'currency', 'percent', 'int'].includes(field.type);
  return {
    name: field.name,
    label: field.label,
    type: field.type,
    length: field.length ?? 0,
    precision: numeric ? (field.precision ?? 18) : 0,
    scale: numeric ? (field.scale ?? 0) : 0,
    nillable: !field.required && field.type !== 'boolean' && field.type !== 'id',
    createable: field.updateable,
    updateable: field.updateable,
    custom: field.custom === true,
    calculated: field.name === 'Name' && field.length === 121,
    defaultedOnCreate: field.type === 'boolean' || field.picklist?.some((p) => p.defaultValue) === true || !field.updateable,
    filterable: true,
    sortable: field.type !== 'textarea',
    referenceTo: field.referenceTo ?? [],
    relationshipName: field.type === 'reference' && field.name.endsWith('Id') ? field.name.slice(0, -2) : null,
    restrictedPicklist: field.restricted === true,
    picklistValues: (field.picklist ?? []).map((p) => ({ active: p.active, defaultValue: p.defaultValue, label: p.label, validFor: null, value: p.value })),
  };
}

const urls = (name: string) => ({
  sobject: `${BASE}/sobjects/${name}`,
  describe: `${BASE}/sobjects/${name}/describe`,
  rowTemplate: `${BASE}/sobjects/${name}/{ID}`,
});

export function objectSummary(object: ObjectDef) {
  return {
    name: object.name, label: object.label, labelPlural: object.labelPlural, keyPrefix: object.keyPrefix,
    custom: false, createable: true, updateable: true, deletable: true, queryable: true, replicateable: true, urls: urls(object.name),
  };
}

export function describeObject(state: SandboxState, object: ObjectDef) {
  return { ...objectSummary(object), fields: state.visibleFields(object).map(fieldJson) };
}
