/**
 * Provisioning for an OAuth-only install (no package): the catalogue's custom fields on Contact
 * and Lead (./fields.ts) created through the Tooling API, and a permission set granting the
 * integration user read and edit on each, created only when missing. Idempotent: a second run
 * creates nothing. The packaged route ships the same fields from manifests/salesforce instead.
 *
 * Field-level security: a new field is invisible to every user until a FieldPermissions row
 * grants it, so without the permission set Sway's reads and writes of its fields fail with
 * INVALID_FIELD. The set is Sway_Integration (read + edit, for the API user), not the packaged
 * read-only `Sway` set for reps (./manifests.ts).
 */
import type { Connection } from 'jsforce';
import type { CrmSession, ProvisionResult } from '../connector.ts';
import { salesforceConnection } from './client.ts';
import { classifySalesforceError } from './errors.ts';
import { SALESFORCE_OBJECTS, salesforceFieldName, salesforceFieldsFor, toSalesforceCustomField } from './fields.ts';

export const SWAY_INTEGRATION_PERMISSION_SET = 'Sway_Integration';

export interface SalesforceProvisionResult extends ProvisionResult {
  /** `groupCreated`: whether this run created the permission set (Salesforce has no field groups). */
  permissionSetId: string;
  /** `Object.Field__c` granted (or upgraded to read + edit) by this run. */
  grantsCreated: string[];
  /** Whether this run assigned the permission set to `assigneeId` (false when it already was, or none was given). */
  assigned: boolean;
}

export interface ProvisionOptions {
  client?: string;
  /**
   * The connecting user (accountInfo's `userId`): in an org a permission set grants nothing
   * until it is assigned. The sandbox stores the assignment but grants without it.
   */
  assigneeId?: string;
}

interface Planned {
  object: string;
  developerName: string;
  fullName: string;
  metadata: Record<string, unknown>;
}

function plannedFields(): Planned[] {
  return SALESFORCE_OBJECTS.flatMap((object) =>
    salesforceFieldsFor(object).map((field) => {
      const { fullName, ...metadata } = toSalesforceCustomField(field, object);
      return { object, developerName: salesforceFieldName(field).replace(/__c$/, ''), fullName, metadata };
    }),
  );
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Every row of a query, following nextRecordsUrl. */
async function queryAll<T extends Record<string, unknown>>(api: Pick<Connection, 'query' | 'queryMore'>, soql: string): Promise<T[]> {
  let page = await api.query<T>(soql);
  const rows = [...page.records];
  while (!page.done && page.nextRecordsUrl) {
    page = await api.queryMore<T>(page.nextRecordsUrl);
    rows.push(...page.records);
  }
  return rows;
}

export async function provision(session: CrmSession, options: ProvisionOptions = {}): Promise<SalesforceProvisionResult> {
  const conn = salesforceConnection(session, options);
  try {
    return await provisionWith(conn, options.assigneeId);
  } catch (err) {
    throw classifySalesforceError(err, 'Salesforce provisioning');
  }
}

async function provisionWith(conn: Connection, assigneeId: string | undefined): Promise<SalesforceProvisionResult> {
  const planned = plannedFields();
  const key = (object: string, developerName: string) => `${object}.${developerName}`.toLowerCase();
  const present = new Set(
    (
      await queryAll<{ DeveloperName: string; TableEnumOrId: string }>(
        conn.tooling,
        `SELECT Id, DeveloperName, TableEnumOrId FROM CustomField WHERE TableEnumOrId IN (${SALESFORCE_OBJECTS.map(quote).join(', ')}) AND DeveloperName IN (${[...new Set(planned.map((p) => p.developerName))].map(quote).join(', ')})`,
      )
    ).map((r) => key(r.TableEnumOrId, r.DeveloperName)),
  );

  const created: string[] = [];
  const existing: string[] = [];
  for (const field of planned) {
    if (present.has(key(field.object, field.developerName))) {
      existing.push(field.fullName);
      continue;
    }
    // One call per field: the Tooling sObject takes one CustomField per request. A field made
    // between our query and this call (another install run) answers DUPLICATE_DEVELOPER_NAME.
    try {
      await conn.tooling.sobject('CustomField').create({ FullName: field.fullName, Metadata: field.metadata });
      created.push(field.fullName);
    } catch (err) {
      if ((err as { errorCode?: string }).errorCode !== 'DUPLICATE_DEVELOPER_NAME') throw err;
      existing.push(field.fullName);
    }
  }

  const { id: permissionSetId, created: groupCreated } = await ensurePermissionSet(conn);
  const grantsCreated = await ensureGrants(conn, permissionSetId, planned.map((p) => p.fullName));
  const assigned = assigneeId ? await ensureAssignment(conn, permissionSetId, assigneeId) : false;
  return { created, existing, groupCreated, permissionSetId, grantsCreated, assigned };
}

async function findPermissionSet(conn: Connection): Promise<string | undefined> {
  const rows = await queryAll<{ Id: string }>(conn, `SELECT Id FROM PermissionSet WHERE Name = ${quote(SWAY_INTEGRATION_PERMISSION_SET)}`);
  return rows[0]?.Id;
}

async function ensurePermissionSet(conn: Connection): Promise<{ id: string; created: boolean }> {
  const found = await findPermissionSet(conn);
  if (found) return { id: found, created: false };
  try {
    const res = await conn.sobject('PermissionSet').create({
      Name: SWAY_INTEGRATION_PERMISSION_SET,
      Label: 'Sway integration',
      Description: 'Read and edit on the Sway fields, for the user Sway connects as.',
    });
    if (res.success) return { id: res.id, created: true };
  } catch (err) {
    // Created by a concurrent run: a PermissionSet Name is unique.
    if ((err as { errorCode?: string }).errorCode !== 'DUPLICATE_VALUE') throw err;
  }
  const again = await findPermissionSet(conn);
  if (!again) throw Object.assign(new Error('permission set neither created nor found'), { errorCode: 'ERROR_HTTP_500' });
  return { id: again, created: false };
}

async function ensureAssignment(conn: Connection, permissionSetId: string, assigneeId: string): Promise<boolean> {
  const rows = await queryAll<{ Id: string }>(
    conn,
    `SELECT Id FROM PermissionSetAssignment WHERE PermissionSetId = ${quote(permissionSetId)} AND AssigneeId = ${quote(assigneeId)}`,
  );
  if (rows.length) return false;
  try {
    await conn.sobject('PermissionSetAssignment').create({ PermissionSetId: permissionSetId, AssigneeId: assigneeId });
    return true;
  } catch (err) {
    if ((err as { errorCode?: string }).errorCode !== 'DUPLICATE_VALUE') throw err;
    return false;
  }
}

/** Read + edit on every field; rows that exist with less are raised. Returns the fields this run changed. */
async function ensureGrants(conn: Connection, parentId: string, fields: string[]): Promise<string[]> {
  const rows = await queryAll<{ Id: string; Field: string; PermissionsRead: boolean; PermissionsEdit: boolean }>(
    conn,
    `SELECT Id, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId = ${quote(parentId)}`,
  );
  const byField = new Map(rows.map((r) => [r.Field.toLowerCase(), r]));
  const toCreate = fields.filter((f) => !byField.has(f.toLowerCase()));
  const toRaise = rows.filter((r) => fields.some((f) => f.toLowerCase() === r.Field.toLowerCase()) && !(r.PermissionsRead && r.PermissionsEdit));
  const changed: string[] = [];
  if (toCreate.length) {
    // sObject Collections (≤ 200 per call; jsforce splits above with allowRecursive).
    const results = await conn.sobject('FieldPermissions').create(
      toCreate.map((Field) => ({ ParentId: parentId, SobjectType: Field.split('.')[0]!, Field, PermissionsRead: true, PermissionsEdit: true })),
      { allOrNone: false, allowRecursive: true },
    );
    results.forEach((res, i) => {
      if (res.success) changed.push(toCreate[i]!);
      else if (saveErrorCode(res.errors) !== 'DUPLICATE_VALUE') throw refused(res.errors);
    });
  }
  if (toRaise.length) {
    const results = await conn.sobject('FieldPermissions').update(toRaise.map((r) => ({ Id: r.Id, PermissionsRead: true, PermissionsEdit: true })), { allOrNone: true, allowRecursive: true });
    results.forEach((res, i) => {
      if (!res.success) throw refused(res.errors);
      changed.push(toRaise[i]!.Field);
    });
  }
  return changed;
}

type WireSaveError = { errorCode?: string; statusCode?: string; message?: string; fields?: string[] };

/** jsforce types record errors with `errorCode`; the collections wire format says `statusCode` (connectors/salesforce/sandbox/collections-routes.ts serves it so). */
function saveErrorCode(errors: readonly WireSaveError[]): string | undefined {
  return errors[0]?.errorCode ?? errors[0]?.statusCode;
}

/** A refused record as the HttpApiError shape classifySalesforceError reads. */
function refused(errors: readonly WireSaveError[]): Error {
  const first = errors[0];
  return Object.assign(new Error(first?.message ?? 'grant refused'), { errorCode: saveErrorCode(errors) ?? 'ERROR_HTTP_500', data: { fields: first?.fields } });
}
