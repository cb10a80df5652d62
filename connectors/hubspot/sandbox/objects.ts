// The CRM object types the sandbox serves (contacts, deals) described once, so that list,
// batch, search and webhooks treat both the same way, and the JSON view of a stored record.
import type { PropertyDefinition } from './property-defs.ts';

export type ObjectTypeName = 'contacts' | 'deals';

export interface StoredRecord {
  id: string;
  // Values as stored; derived ones (hs_object_id, the last-modified date, createdate default) are not here.
  values: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface ObjectKind {
  name: ObjectTypeName;
  singular: 'contact' | 'deal'; // webhook subscription prefix, association messages
  upper: 'CONTACT' | 'DEAL'; // HubSpot's 207 "Could not get some … objects" wording
  records: Map<string, StoredRecord>;
  /** Returned when a request names no properties. */
  defaults: string[];
  /** Returned whatever properties were asked for. */
  always: string[];
  /** lastmodifieddate (contacts) or hs_lastmodifieddate (deals): derived from updatedAt. */
  lastModified: string;
  readScope: string;
  writeScope: string;
  lookup(name: string): PropertyDefinition | undefined;
}

export interface RecordJson {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function valueOf(kind: ObjectKind, record: StoredRecord, name: string): string | null {
  if (name === 'hs_object_id') return record.id;
  if (name === kind.lastModified) return iso(record.updatedAt);
  if (name === 'createdate') return record.values.createdate ?? iso(record.createdAt);
  return record.values[name] ?? null;
}

/** The API view of a record: the named properties, unset ones as null. */
export function recordJson(kind: ObjectKind, record: StoredRecord, names: string[], archivedAt?: number): RecordJson {
  const properties: Record<string, string | null> = {};
  for (const name of names) properties[name] = valueOf(kind, record, name);
  const json: RecordJson = { id: record.id, properties, createdAt: iso(record.createdAt), updatedAt: iso(record.updatedAt), archived: archivedAt !== undefined };
  if (archivedAt !== undefined) json.archivedAt = iso(archivedAt);
  return json;
}

/** Every set value plus the derived ones: what tests see through getContact/getDeal. */
export function fullView(kind: ObjectKind, record: StoredRecord): Omit<RecordJson, 'archived'> {
  const names = [...new Set([...Object.keys(record.values), ...kind.always])];
  const { archived: _archived, ...view } = recordJson(kind, record, names);
  return view;
}

/** `properties=a,b` and `properties=a&properties=b` (what the SDK sends) both work. */
export function namesFromQuery(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter(Boolean);
}

/** Requested properties that exist, plus the ones HubSpot always returns; unknown names are dropped. */
export function selectNames(kind: ObjectKind, requested: string[] | undefined, fallback: string[]): string[] {
  if (!requested || requested.length === 0) return fallback;
  return [...new Set([...requested.filter((n) => kind.lookup(n) !== undefined), ...kind.always])];
}
