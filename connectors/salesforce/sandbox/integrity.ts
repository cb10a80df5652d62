// Rules the setup objects keep on insert, beyond field types: a PermissionSet's Name is unique;
// a FieldPermissions row names an existing permission set and an existing `Object.Field` whose
// object is its SobjectType, once per permission set. Called by records.ts insertRecord.
import { recordError } from './errors.ts';
import { findField } from './schema.ts';
import type { SandboxState } from './state.ts';
import type { Values } from './records.ts';

export function checkIntegrity(state: SandboxState, type: string, v: Values): void {
  if (type === 'PermissionSet') {
    const name = String(v.Name).toLowerCase();
    const clash = state.liveRecords('PermissionSet').find((r) => String(r.values.Name).toLowerCase() === name);
    if (clash) throw recordError('DUPLICATE_VALUE', `duplicate value found: Name duplicates value on record with id: ${clash.values.Id}`, ['Name']);
  }
  if (type === 'FieldPermissions') {
    if (!state.live('PermissionSet', String(v.ParentId))) throw recordError('FIELD_INTEGRITY_EXCEPTION', 'Parent ID: id value of incorrect type', ['ParentId']);
    const [objectName, fieldName] = String(v.Field).split('.');
    const object = objectName ? state.object(objectName) : undefined;
    const field = object && fieldName ? findField(object, fieldName) : undefined;
    if (!object || !field || object.name.toLowerCase() !== String(v.SobjectType).toLowerCase()) {
      throw recordError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Field Name: bad value for restricted picklist field: ${String(v.Field)}`, ['Field']);
    }
    const parent = String(v.ParentId).slice(0, 15);
    const dupe = state.liveRecords('FieldPermissions').find((r) => String(r.values.ParentId).slice(0, 15) === parent && String(r.values.Field).toLowerCase() === String(v.Field).toLowerCase());
    if (dupe) throw recordError('DUPLICATE_VALUE', `duplicate value found: <unknown> duplicates value on record with id: ${dupe.values.Id}`, []);
    v.Field = `${object.name}.${field.name}`;
    v.SobjectType = object.name;
  }
}
