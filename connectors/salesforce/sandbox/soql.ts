// The SOQL subset Sway sends, parsed by @jetstreamapp/soql-parser-js and run over the sandbox's
// records:  SELECT f1, f2 FROM Object [WHERE c1 AND c2 ...] [ORDER BY SystemModstamp, Id] [LIMIT n]
// where each condition is `field op literal` (=, !=, <, <=, >, >=, or IN (...)). Anything else
// (OR, functions, relationships, subqueries, GROUP BY, OFFSET, other orderings) is refused with
// MALFORMED_QUERY, so a query the sandbox would answer wrongly never passes silently.
import { parseQuery, type Query, type WhereClause } from '@jetstreamapp/soql-parser-js';
import { malformedQuery, restError } from './errors.ts';
import type { FieldDef } from './schema.ts';

/** What a query runs over: an object's readable fields and its rows. */
export interface Table {
  name: string;
  fields: FieldDef[];
  rows: () => Array<Record<string, unknown>>;
}

interface Condition {
  field: FieldDef;
  op: string;
  values: unknown[]; // one literal, or several for IN
}

export interface QueryPlan {
  table: Table;
  fields: FieldDef[];
  conditions: Condition[];
  limit?: number;
}

const unsupported = (what: string) => malformedQuery(`${what} is not supported by the Salesforce sandbox (connectors/salesforce/sandbox/soql.ts)`);

function parse(soql: string): Query {
  try {
    return parseQuery(soql);
  } catch (error) {
    throw malformedQuery(`\n${soql}\n^\nERROR at Row:1:Column:1\n${(error as Error).message}`);
  }
}

function fieldOf(table: Table, name: string): FieldDef {
  if (name.includes('.')) throw unsupported(`Relationship field ${name}`);
  const field = table.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (!field) {
    throw restError(400, 'INVALID_FIELD', `No such column '${name}' on entity '${table.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
  }
  return field;
}

function literal(type: string | undefined, raw: string, field: FieldDef): unknown {
  switch (type) {
    case 'STRING': return raw.slice(1, -1).replace(/\\(.)/g, '$1');
    case 'INTEGER': case 'DECIMAL': return Number(raw);
    case 'BOOLEAN': return raw.toUpperCase() === 'TRUE';
    case 'NULL': return null;
    case 'DATETIME': case 'DATE': {
      if (field.type !== 'datetime' && field.type !== 'date') throw restError(400, 'INVALID_FIELD', `value of filter criterion for field '${field.name}' must be of type ${field.type} and should not be enclosed in quotes`);
      return raw;
    }
    default: throw unsupported(`Literal ${raw} (${type ?? 'unknown type'})`);
  }
}

function conditions(table: Table, where: WhereClause | undefined): Condition[] {
  const out: Condition[] = [];
  // The parser nests `a AND b AND c` as {left: a, operator, right: {left: b, operator, right: {left: c}}}.
  type Node = { left?: unknown; operator?: string; right?: Node };
  for (let clause = where as Node | undefined; clause; clause = clause.right) {
    if (clause.operator && clause.operator !== 'AND') throw unsupported(`${clause.operator} in WHERE`);
    const left = clause.left as unknown as Record<string, unknown> | undefined;
    if (!left) break;
    if (typeof left.field !== 'string' || left.fn || left.valueQuery) throw unsupported('This condition');
    const field = fieldOf(table, left.field);
    const op = String(left.operator);
    if (!['=', '!=', '<', '<=', '>', '>=', 'IN'].includes(op)) throw unsupported(`Operator ${op}`);
    const raw = left.value;
    const type = left.literalType as string | undefined;
    const values = Array.isArray(raw) ? raw.map((r) => literal(type, String(r), field)) : [literal(type, String(raw), field)];
    out.push({ field, op, values });
  }
  return out;
}

/** Parses `soql` and checks it against the subset; `resolve` finds the table FROM names. */
export function planQuery(soql: string, resolve: (name: string) => Table | undefined): QueryPlan {
  const q = parse(soql);
  if (!q.sObject) throw unsupported('A query without FROM');
  if (q.groupBy || q.having || q.offset !== undefined || q.for || q.update || q.withDataCategory || q.where?.left && 'valueQuery' in q.where.left && q.where.left.valueQuery) {
    throw unsupported('GROUP BY, HAVING, OFFSET, FOR and WITH');
  }
  const table = resolve(q.sObject);
  if (!table) throw restError(400, 'INVALID_TYPE', `\nFROM ${q.sObject}\n     ^\nERROR at Row:1:Column:1\nsObject type '${q.sObject}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`);
  const fields = q.fields!.map((f) => {
    if (f.type !== 'Field') throw unsupported(`Select item ${'rawValue' in f ? f.rawValue : f.type}`);
    return fieldOf(table, f.field);
  });
  const order = Array.isArray(q.orderBy) ? q.orderBy : q.orderBy ? [q.orderBy] : [];
  const orderNames = order.map((o) => ('field' in o && o.field && !o.order?.toString().startsWith('D') && !o.nulls ? o.field.toLowerCase() : '?'));
  if (order.length > 0 && orderNames.join(',') !== 'systemmodstamp,id') throw unsupported('ORDER BY other than "SystemModstamp, Id"');
  const plan: QueryPlan = { table, fields, conditions: conditions(table, q.where) };
  if (q.limit !== undefined) plan.limit = q.limit;
  return plan;
}

function comparable(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'datetime') return Date.parse(String(value));
  if (typeof value === 'string' && field.type !== 'date') return value.toLowerCase(); // SOQL compares text case-insensitively
  return value;
}

function matches(row: Record<string, unknown>, c: Condition): boolean {
  const have = comparable(c.field, row[c.field.name]);
  const wanted = c.values.map((v) => (c.field.type === 'date' ? v : comparable(c.field, v)));
  if (c.field.type === 'id' || c.field.type === 'reference') {
    // 15- and 18-character ids name the same record.
    const short = (v: unknown) => (typeof v === 'string' ? v.slice(0, 15) : v);
    return compare(short(have), c.op, wanted.map(short));
  }
  return compare(have, c.op, wanted);
}

function compare(have: unknown, op: string, wanted: unknown[]): boolean {
  const w = wanted[0];
  if (op === 'IN') return wanted.some((x) => x === have);
  if (op === '=') return have === w;
  if (op === '!=') return have !== w;
  if (have === null || w === null) return false;
  const a = have as number | string;
  const b = w as number | string;
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

/** The rows a plan selects, ordered by SystemModstamp then Id (the only order the subset allows). */
export function runQuery(plan: QueryPlan): Array<Record<string, unknown>> {
  const rows = plan.table.rows().filter((row) => plan.conditions.every((c) => matches(row, c)));
  const key = (r: Record<string, unknown>) => `${String(r.SystemModstamp ?? '')}|${String(r.Id)}`;
  rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return plan.limit === undefined ? rows : rows.slice(0, plan.limit);
}
