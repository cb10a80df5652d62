// Writing records as Salesforce does, shared by single-record calls, collections, Bulk rows and
// admin edits: field names resolved case-insensitively against what the API user may edit,
// values checked by type (Salesforce's statusCodes and wording), required fields on insert,
// derived fields kept (Name, IsClosed/IsWon from the stage), audit fields and SystemModstamp
// stamped. Validation throws RecordWriteError; nothing is stored for a failed record.
import { normalizeId } from './ids.ts';
import { checkIntegrity } from './integrity.ts';
import { recordError, RecordWriteError, type RecordError } from './errors.ts';
import { findField, type FieldDef, type ObjectDef } from './schema.ts';
import { sfDateTime, type SandboxState, type StoredRecord } from './state.ts';
import type { SandboxRecord } from './types.ts';

export type Values = Record<string, unknown>;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkValue(object: ObjectDef, field: FieldDef, value: unknown): unknown {
  if (value === null || value === '') {
    if (field.type === 'boolean') return false;
    if (field.required) throw recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${field.name}]`, [field.name]);
    return null;
  }
  const bad = () => recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: value not of required type: ${String(value)}`, [field.name]);
  switch (field.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw bad();
    case 'double': case 'currency': case 'percent': case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw bad();
      const digits = (field.precision ?? 18) - (field.scale ?? 0);
      if (Math.abs(Math.trunc(n)).toString().length > digits) {
        throw recordError('NUMBER_OUTSIDE_VALID_RANGE', `${field.label}: value outside of valid range on numeric field: ${n}`, [field.name]);
      }
      return field.scale === undefined ? n : Number(n.toFixed(field.scale));
    }
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw bad();
      return value;
    case 'datetime': {
      const ms = typeof value === 'string' ? Date.parse(value) : NaN;
      if (Number.isNaN(ms)) throw bad();
      return sfDateTime(ms);
    }
    case 'reference': {
      const id = typeof value === 'string' ? normalizeId(value) : undefined;
      if (!id) throw recordError('MALFORMED_ID', `${field.label}: id value of incorrect type: ${String(value)}`, [field.name]);
      return id;
    }
    default: {
      if (typeof value !== 'string' && typeof value !== 'number') throw bad();
      const text = String(value);
      if (field.type === 'email' && !EMAIL.test(text)) throw recordError('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, [field.name]);
      if (field.type === 'picklist' && field.restricted && !field.picklist?.some((p) => p.active && p.value === text)) {
        throw recordError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${text}`, [field.name]);
      }
      if (field.length !== undefined && text.length > field.length) {
        throw recordError('STRING_TOO_LONG', `${field.label}: data value too large: ${text.slice(0, 40)} (max length=${field.length})`, [field.name]);
      }
      return text;
    }
  }
}

/** Canonical field names and checked values; `Id` and `attributes` are left to the caller. */
export function checkValues(state: SandboxState, object: ObjectDef, input: Values, isInsert: boolean): Values {
  const out: Values = {};
  const unknown: string[] = [];
  const readOnly: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (name === 'attributes' || name.toLowerCase() === 'id') continue;
    const field = findField(object, name);
    if (!field || !state.canAccess(object, field, 'read')) unknown.push(name);
    else if (!field.updateable || !state.canAccess(object, field, 'edit')) readOnly.push(field.name);
    else out[field.name] = value;
  }
  if (unknown.length > 0) throw recordError('INVALID_FIELD', `No such column '${unknown[0]}' on sobject of type ${object.name}`, []);
  if (readOnly.length > 0) {
    throw recordError('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, readOnly);
  }
  if (isInsert) {
    for (const field of object.fields) {
      const preset = field.picklist?.find((p) => p.defaultValue)?.value;
      if (out[field.name] === undefined && preset !== undefined) out[field.name] = preset;
    }
    const missing = object.fields.filter((field) => field.required && (out[field.name] === undefined || out[field.name] === null || out[field.name] === ''));
    if (missing.length > 0) throw recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.map((m) => m.name).join(', ')}]`, missing.map((m) => m.name));
  }
  for (const [name, value] of Object.entries(out)) out[name] = checkValue(object, findField(object, name)!, value);
  return out;
}

function derive(state: SandboxState, type: string, v: SandboxRecord): void {
  if ((type === 'Contact' || type === 'Lead') && ('FirstName' in v || 'LastName' in v)) {
    v.Name = [v.FirstName, v.LastName].filter((x) => typeof x === 'string' && x !== '').join(' ');
  }
  if (type === 'Opportunity' && typeof v.StageName === 'string') {
    const stage = state.stages.get(v.StageName);
    v.IsClosed = stage?.closed ?? false;
    v.IsWon = stage?.won ?? false;
    if (stage && v.Probability == null) v.Probability = stage.probability;
  }
}

function stamp(state: SandboxState, v: SandboxRecord, isInsert: boolean): void {
  const now = sfDateTime(state.now());
  if (isInsert) Object.assign(v, { IsDeleted: false, CreatedDate: now, CreatedById: state.opts.userId });
  Object.assign(v, { LastModifiedDate: now, LastModifiedById: state.opts.userId, SystemModstamp: now });
}

/** Inserts one record; `skipLockFault` for admin writes, which faults never touch. */
export function insertRecord(state: SandboxState, object: ObjectDef, input: Values, skipLockFault = false): StoredRecord {
  const values = checkValues(state, object, input, true);
  checkIntegrity(state, object.name, values);
  if (!skipLockFault) lockCheck(state, undefined);
  const v: SandboxRecord = { Id: state.nextId(object.keyPrefix), ...values };
  derive(state, object.name, v);
  stamp(state, v, true);
  const record: StoredRecord = { type: object.name, values: v };
  state.addRecord(record);
  return record;
}

export function updateRecord(state: SandboxState, object: ObjectDef, id: unknown, input: Values, skipLockFault = false): StoredRecord {
  const record = typeof id === 'string' ? state.live(object.name, id) : undefined;
  if (!record) {
    const shaped = typeof id === 'string' && normalizeId(id);
    throw shaped ? recordError('ENTITY_IS_DELETED', 'entity is deleted', []) : recordError('MALFORMED_ID', `${object.name} ID: id value of incorrect type: ${String(id)}`, ['Id']);
  }
  const values = checkValues(state, object, input, false);
  if (!skipLockFault) lockCheck(state, record.values.Id);
  Object.assign(record.values, values);
  derive(state, object.name, record.values);
  stamp(state, record.values, false);
  state.touched(object.name);
  return record;
}

export function deleteRecord(state: SandboxState, record: StoredRecord, masterRecordId?: string): void {
  record.deletedAt = state.now();
  record.values.IsDeleted = true;
  if (masterRecordId) record.values.MasterRecordId = masterRecordId;
  record.values.SystemModstamp = sfDateTime(state.now());
  state.touched(record.type);
}

function lockCheck(state: SandboxState, id: string | undefined): void {
  if (state.faults.rowLocked(id)) {
    throw recordError('UNABLE_TO_LOCK_ROW', `unable to obtain exclusive access to this record or 1 records: ${id ?? ''}`.trim(), []);
  }
}

/** Runs one record write; a RecordWriteError becomes the record's error, anything else is a bug. */
export function attempt<T>(write: () => T): { ok: T } | { error: RecordError } {
  try {
    return { ok: write() };
  } catch (error) {
    if (error instanceof RecordWriteError) return { error: error.error };
    throw error;
  }
}
