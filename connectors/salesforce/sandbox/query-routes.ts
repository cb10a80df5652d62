// GET /query?q= (live records), /queryAll?q= (deleted ones too: how merges are read, through
// MasterRecordId), /tooling/query?q= (CustomField, PermissionSet), and their queryMore pages
// `/query/<locator>-<offset>`. A query's rows are fixed when it runs (a cursor) and served
// queryPageSize at a time; an unknown or idle (15 min) locator is INVALID_QUERY_LOCATOR.
import { type Request, type Response, Router } from 'express';
import { malformedQuery, restError } from './errors.ts';
import { planQuery, runQuery, type Table } from './soql.ts';
import { sfDateTime, type SandboxState } from './state.ts';
import { API_VERSION } from './types.ts';
import type { FieldDef } from './schema.ts';

const CURSOR_IDLE_MS = 15 * 60 * 1000;
const BASE = `/services/data/v${API_VERSION}`;

function dataTable(state: SandboxState, name: string, includeDeleted: boolean): Table | undefined {
  const object = state.object(name);
  if (!object) return undefined;
  return {
    name: object.name,
    fields: state.visibleFields(object),
    rows: () => state.recordsOf(object.name).filter((r) => includeDeleted || r.deletedAt === undefined).map((r) => r.values),
  };
}

const toolingField = (name: string, type: FieldDef['type'] = 'string'): FieldDef => ({ name, label: name, type, updateable: false });

function toolingTable(state: SandboxState, name: string): Table | undefined {
  if (name.toLowerCase() === 'customfield') {
    return {
      name: 'CustomField',
      fields: [toolingField('Id', 'id'), toolingField('DeveloperName'), toolingField('TableEnumOrId'), toolingField('NamespacePrefix'), toolingField('FullName'), toolingField('CreatedDate', 'datetime')],
      rows: () => state.customFields.map((c) => ({
        Id: c.id, DeveloperName: c.developerName, TableEnumOrId: c.object, NamespacePrefix: null,
        FullName: `${c.object}.${c.developerName}__c`, CreatedDate: sfDateTime(c.createdAt),
      })),
    };
  }
  return name.toLowerCase() === 'permissionset' ? dataTable(state, name, false) : undefined;
}

export function queryRouter(state: SandboxState): Router {
  const router = Router();

  function page(cursorId: string, offset: number, tooling: boolean, res: Response) {
    const cursor = state.cursors.get(cursorId);
    if (!cursor || cursor.lastUsed + CURSOR_IDLE_MS <= state.now() || offset > cursor.rows.length) {
      throw restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    cursor.lastUsed = state.now();
    const end = Math.min(cursor.rows.length, offset + state.opts.queryPageSize);
    const done = end >= cursor.rows.length;
    const body: Record<string, unknown> = { totalSize: cursor.rows.length, done };
    if (!done) body.nextRecordsUrl = `${BASE}${tooling ? '/tooling' : ''}/query/${cursorId}-${end}`;
    else state.cursors.delete(cursorId);
    body.records = cursor.rows.slice(offset, end);
    res.json(body);
  }

  function run(req: Request, res: Response, resolve: (name: string) => Table | undefined, tooling: boolean) {
    const q = req.query.q;
    if (typeof q !== 'string' || q.trim() === '') throw malformedQuery('A query string has to be specified');
    const plan = planQuery(q, resolve);
    const sobjects = `${BASE}${tooling ? '/tooling' : ''}/sobjects/${plan.table.name}`;
    const rows = runQuery(plan).map((row) => {
      const out: Record<string, unknown> = { attributes: { type: plan.table.name, url: `${sobjects}/${String(row.Id)}` } };
      for (const field of plan.fields) out[field.name] = row[field.name] ?? (field.type === 'boolean' ? false : null);
      return out;
    });
    const cursorId = state.nextId('01g');
    state.cursors.set(cursorId, { rows, offset: 0, lastUsed: state.now() });
    page(cursorId, 0, tooling, res);
  }

  router.get('/query', (req, res) => run(req, res, (n) => dataTable(state, n, false), false));
  router.get('/queryAll', (req, res) => run(req, res, (n) => dataTable(state, n, true), false));
  router.get('/tooling/query', (req, res) => run(req, res, (n) => toolingTable(state, n), true));

  const more = (tooling: boolean) => (req: Request, res: Response) => {
    const match = /^([a-zA-Z0-9]{18})-(\d+)$/.exec(String(req.params.locator));
    if (!match) throw restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    page(match[1]!, Number(match[2]), tooling, res);
  };
  router.get('/query/:locator', more(false));
  router.get('/queryAll/:locator', more(false));
  router.get('/tooling/query/:locator', more(true));
  return router;
}
