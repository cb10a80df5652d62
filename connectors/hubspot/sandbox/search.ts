// CRM search semantics, kept free of HTTP so they can be reasoned about on their own:
// filters within a group are ANDed, groups are ORed; values compare by property type (numbers
// as numbers, date-times as instants whether given as epoch ms or ISO, strings
// case-insensitively); results are offset-paged and capped at 10,000 per query.
//
// Verified: operators (SDK FilterOperatorEnum), limit ≤ 200, the 10,000 cap answered with a 400,
// `total` counting every match.
// Filter limits (defaults in types.ts): 5 groups, 10 filters a group, 25 in all — HubSpot's
// current numbers as issue 10's contract check found them (not re-verified against a primary
// source here); beyond them a 400 VALIDATION_ERROR. Unverified defaults, chosen to be predictable: records without
// a value match NEQ/NOT_IN (search is index-based, like a must_not), records without a value
// sort last in either direction (the index's default), the default order is by id, and sorts
// may be given as strings ('name' ascending, '-name' descending).
import { validationError } from './errors.ts';
import { type ObjectKind, type StoredRecord, valueOf } from './objects.ts';
import type { PropertyDefinition } from './property-defs.ts';

export const MAX_SEARCH_LIMIT = 200;
export const MAX_SEARCH_RESULTS = 10_000;
const OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'];
// Properties the free-text `query` looks at (a subset of HubSpot's default searchable ones).
const QUERY_PROPERTIES: Record<ObjectKind['name'], string[]> = {
  contacts: ['firstname', 'lastname', 'email', 'phone', 'company', 'hs_additional_emails'],
  deals: ['dealname'],
};

type Comparable = number | string;
interface Filter {
  propertyName: string;
  operator: string;
  def: PropertyDefinition;
  value?: Comparable;
  highValue?: Comparable;
  values?: Comparable[];
  token?: RegExp;
}
interface Sort {
  propertyName: string;
  def: PropertyDefinition;
  direction: 1 | -1;
}
export interface SearchQuery {
  groups: Filter[][];
  sorts: Sort[];
  properties?: string[];
  limit: number;
  after: number;
  tokens: string[];
}
export interface FilterLimits {
  groups: number;
  filtersPerGroup: number;
  filters: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const DIGITS = /^-?\d+$/;

/** The comparable form of a value for its property type; undefined when it cannot be read. */
function comparable(def: PropertyDefinition, raw: string): Comparable | undefined {
  if (def.type === 'number') return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
  if (def.type === 'datetime' || def.type === 'date') {
    const ms = DIGITS.test(raw) ? Number(raw) : Date.parse(raw);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return raw.toLowerCase();
}

function filterValue(def: PropertyDefinition, raw: unknown, what: string): Comparable {
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    throw validationError(`Filter on '${def.name}' needs a '${what}'.`);
  }
  const value = comparable(def, String(raw));
  if (value === undefined) throw validationError(`'${String(raw)}' is not a valid ${def.type} value for property '${def.name}'.`);
  return value;
}

function property(kind: ObjectKind, name: unknown): PropertyDefinition {
  const def = typeof name === 'string' ? kind.lookup(name) : undefined;
  if (!def) throw validationError(`There was a problem with the request: property '${String(name)}' does not exist on ${kind.name}.`);
  return def;
}

function parseFilter(kind: ObjectKind, raw: unknown): Filter {
  if (!isObject(raw)) throw validationError('Invalid input JSON: every filter must be an object.');
  const def = property(kind, raw.propertyName);
  const operator = String(raw.operator ?? 'EQ');
  if (!OPERATORS.includes(operator)) throw validationError(`Invalid operator '${operator}'. Valid operators: ${OPERATORS.join(', ')}.`);
  const filter: Filter = { propertyName: def.name, operator, def };
  if (['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN'].includes(operator)) filter.value = filterValue(def, raw.value, 'value');
  if (operator === 'BETWEEN') filter.highValue = filterValue(def, raw.highValue, 'highValue');
  if (operator === 'IN' || operator === 'NOT_IN') {
    if (!Array.isArray(raw.values) || raw.values.length === 0) throw validationError(`Operator ${operator} on '${def.name}' needs a non-empty 'values' array.`);
    filter.values = raw.values.map((v) => filterValue(def, v, 'values'));
  }
  if (operator.endsWith('CONTAINS_TOKEN')) {
    const pattern = String(raw.value ?? '').toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    filter.token = new RegExp(`^${pattern}$`);
  }
  return filter;
}

function parseSort(kind: ObjectKind, raw: unknown): Sort {
  if (typeof raw === 'string') {
    const descending = raw.startsWith('-');
    return { def: property(kind, descending ? raw.slice(1) : raw), propertyName: descending ? raw.slice(1) : raw, direction: descending ? -1 : 1 };
  }
  if (!isObject(raw)) throw validationError('Invalid input JSON: every sort must be an object or a property name.');
  const direction = raw.direction ?? 'ASCENDING';
  if (direction !== 'ASCENDING' && direction !== 'DESCENDING') throw validationError(`Invalid sort direction '${String(direction)}': use ASCENDING or DESCENDING.`);
  const def = property(kind, raw.propertyName);
  return { def, propertyName: def.name, direction: direction === 'ASCENDING' ? 1 : -1 };
}

export function parseSearch(kind: ObjectKind, body: unknown, limits: FilterLimits): SearchQuery {
  if (!isObject(body)) throw validationError('Invalid input JSON: expected an object.');
  const groupsRaw = body.filterGroups ?? [];
  if (!Array.isArray(groupsRaw)) throw validationError("Invalid input JSON: 'filterGroups' must be an array.");
  if (groupsRaw.length > limits.groups) throw validationError(`Too many filter groups: ${groupsRaw.length}. The maximum is ${limits.groups}.`);
  const groups = groupsRaw.map((group) => {
    if (!isObject(group) || !Array.isArray(group.filters) || group.filters.length === 0) {
      throw validationError("Invalid input JSON: every filter group needs a non-empty 'filters' array.");
    }
    if (group.filters.length > limits.filtersPerGroup) {
      throw validationError(`Too many filters in a filter group: ${group.filters.length}. The maximum is ${limits.filtersPerGroup}.`);
    }
    return group.filters.map((f) => parseFilter(kind, f));
  });
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (total > limits.filters) throw validationError(`Too many filters: ${total}. The maximum across all filter groups is ${limits.filters}.`);

  const limit = body.limit ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    throw validationError(`limit must be an integer between 1 and ${MAX_SEARCH_LIMIT}, got ${String(body.limit)}`);
  }
  const afterRaw = body.after ?? 0;
  if (!/^\d+$/.test(String(afterRaw))) throw validationError(`Invalid after: ${String(afterRaw)}`);
  const after = Number(afterRaw);
  if (after >= MAX_SEARCH_RESULTS) {
    throw validationError(`The search endpoints return at most ${MAX_SEARCH_RESULTS} results per query; after=${after} pages beyond that. Narrow the query (e.g. by a date range) instead.`);
  }
  const sorts = body.sorts === undefined ? [] : Array.isArray(body.sorts) ? body.sorts.map((s) => parseSort(kind, s)) : [];
  const properties = Array.isArray(body.properties) ? body.properties.map(String) : undefined;
  const tokens = typeof body.query === 'string' ? body.query.toLowerCase().split(/\s+/).filter(Boolean) : [];
  return { groups, sorts, ...(properties ? { properties } : {}), limit, after, tokens };
}

function matches(kind: ObjectKind, record: StoredRecord, f: Filter): boolean {
  const raw = valueOf(kind, record, f.propertyName);
  const has = raw !== null && raw !== '';
  const v = has ? comparable(f.def, raw) : undefined;
  const eq = (x: Comparable | undefined) => v !== undefined && v === x;
  switch (f.operator) {
    case 'EQ': return eq(f.value);
    case 'NEQ': return !eq(f.value);
    case 'LT': return v !== undefined && v < f.value!;
    case 'LTE': return v !== undefined && v <= f.value!;
    case 'GT': return v !== undefined && v > f.value!;
    case 'GTE': return v !== undefined && v >= f.value!;
    case 'BETWEEN': return v !== undefined && v >= f.value! && v <= f.highValue!;
    case 'IN': return f.values!.some(eq);
    case 'NOT_IN': return !f.values!.some(eq);
    case 'HAS_PROPERTY': return has;
    case 'NOT_HAS_PROPERTY': return !has;
    default: {
      const found = has && raw.toLowerCase().split(/[^\p{L}\p{N}@._-]+/u).some((t) => f.token!.test(t));
      return f.operator === 'CONTAINS_TOKEN' ? found : !found;
    }
  }
}

function matchesQuery(kind: ObjectKind, record: StoredRecord, tokens: string[]): boolean {
  const words = QUERY_PROPERTIES[kind.name].flatMap((n) => (valueOf(kind, record, n) ?? '').toLowerCase().split(/[\s;]+/));
  return tokens.every((t) => words.some((w) => w.startsWith(t)));
}

function compare(kind: ObjectKind, a: StoredRecord, b: StoredRecord, sorts: Sort[]): number {
  for (const s of sorts) {
    const ra = valueOf(kind, a, s.propertyName);
    const rb = valueOf(kind, b, s.propertyName);
    const va = ra ? comparable(s.def, ra) : undefined;
    const vb = rb ? comparable(s.def, rb) : undefined;
    if (va === vb) continue;
    if (va === undefined) return 1; // missing values last, whatever the direction
    if (vb === undefined) return -1;
    return (va < vb ? -1 : 1) * s.direction;
  }
  return Number(a.id) - Number(b.id);
}

/** Every match, in order; the caller pages. */
export function runSearch(kind: ObjectKind, query: SearchQuery, records: Iterable<StoredRecord>): StoredRecord[] {
  const hits: StoredRecord[] = [];
  for (const record of records) {
    if (query.groups.length > 0 && !query.groups.some((g) => g.every((f) => matches(kind, record, f)))) continue;
    if (query.tokens.length > 0 && !matchesQuery(kind, record, query.tokens)) continue;
    hits.push(record);
  }
  return hits.sort((a, b) => compare(kind, a, b, query.sorts));
}
