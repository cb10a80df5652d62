// Provisioning through the Tooling API against the sandbox over real HTTP: the catalogue's
// fields on Contact and Lead and the Sway_Integration permission set, idempotent, and the
// fields usable by the API user afterwards (field-level security granted); the org's usage
// read back from Sforce-Limit-Info and /limits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmSession, OAuthApp } from '../../../connectors/connector.ts';
import { salesforceConnection } from '../../../connectors/salesforce/client.ts';
import { SALESFORCE_OBJECTS, salesforceFieldName, salesforceFieldsFor } from '../../../connectors/salesforce/fields.ts';
import { parseLimitInfo, parseLimitsBody } from '../../../connectors/salesforce/limits.ts';
import { authorizeUrl, exchangeCode, SALESFORCE_SCOPES } from '../../../connectors/salesforce/oauth.ts';
import { provision, SWAY_INTEGRATION_PERMISSION_SET } from '../../../connectors/salesforce/schema.ts';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.ts';
import { authorize, REDIRECT, rejection } from './sandbox-session.ts';

let sandbox: SalesforceSandbox;
let session: CrmSession;

const expected = SALESFORCE_OBJECTS.flatMap((o) => salesforceFieldsFor(o).map((f) => `${o}.${salesforceFieldName(f)}`));

beforeEach(async () => {
  sandbox = createSalesforceSandbox({ queryPageSize: 3 }); // small pages: provisioning must follow nextRecordsUrl
  await sandbox.start();
  const app: OAuthApp = { clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, appBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, scopes: SALESFORCE_SCOPES };
  const { url, verifier } = authorizeUrl(app, { redirectUri: REDIRECT, state: 's' });
  const code = (await authorize(url)).get('code')!;
  const tokens = await exchangeCode(app, { code, redirectUri: REDIRECT, verifier }, { hosts: { extraOrigins: [sandbox.url] } });
  session = { apiBaseUrl: tokens.instanceUrl, accessToken: tokens.accessToken };
  sandbox.clearRequests();
});
afterEach(async () => {
  await sandbox.stop();
});

describe('provision', () => {
  it('creates every catalogue field and the permission set once; a second run creates nothing', async () => {
    expect(expected.length).toBeGreaterThan(3);
    const first = await provision(session, { assigneeId: sandbox.userId });
    expect(first.assigned).toBe(true);
    expect(first.created.sort()).toEqual([...expected].sort());
    expect(first.existing).toEqual([]);
    expect(first.groupCreated).toBe(true);
    expect(first.grantsCreated.sort()).toEqual([...expected].sort());
    const writesAfterFirst = sandbox.requests.filter((r) => r.method !== 'GET').length;
    expect(writesAfterFirst).toBe(expected.length + 1 + Math.ceil(expected.length / 200) + 1); // fields, set, grants, assignment

    sandbox.clearRequests();
    const second = await provision(session, { assigneeId: sandbox.userId });
    expect(second).toMatchObject({ created: [], groupCreated: false, grantsCreated: [], assigned: false, permissionSetId: first.permissionSetId });
    expect(second.existing.sort()).toEqual([...expected].sort());
    expect(sandbox.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    // Every call named Sway in Sforce-Call-Options.
    expect(sandbox.requests.length).toBeGreaterThan(0);
    expect(new Set(sandbox.requests.map((r) => r.client))).toEqual(new Set(['sway']));
  });

  it('makes the fields readable and writable for the API user (field-level security)', async () => {
    const conn = salesforceConnection(session);
    const text = salesforceFieldsFor('Contact').find((f) => f.type === 'text')!;
    const name = salesforceFieldName(text);
    const [contact] = sandbox.seedRecords('Contact', [{ LastName: 'Kim' }]);
    const first = await provision(session);
    await conn.sobject('Contact').update({ Id: contact!, [name]: 'from Sway' });
    const rows = await conn.query<Record<string, unknown>>(`SELECT Id, ${name} FROM Contact WHERE Id = '${contact}'`);
    expect(rows.records).toEqual([expect.objectContaining({ Id: contact, [name]: 'from Sway' })]);
    const leadFields = expected.filter((f) => f.startsWith('Lead.')).map((f) => f.split('.')[1]!);
    expect((await conn.query(`SELECT Id, ${leadFields.join(', ')} FROM Lead`)).totalSize).toBe(0);

    // The grant is what makes it visible: without its FieldPermissions row the field is unknown.
    const grant = await conn.query<{ Id: string }>(`SELECT Id FROM FieldPermissions WHERE ParentId = '${first.permissionSetId}' AND Field = 'Contact.${name}'`);
    await conn.sobject('FieldPermissions').destroy(grant.records[0]!.Id);
    expect((await rejection(conn.query(`SELECT Id, ${name} FROM Contact`))).errorCode).toBe('INVALID_FIELD');
    expect((await provision(session)).grantsCreated).toEqual([`Contact.${name}`]);
    expect((await conn.query(`SELECT Id, ${name} FROM Contact`)).totalSize).toBe(1);
  });

  it('raises an existing read-only grant to read + edit and recreates a missing one', async () => {
    const first = await provision(session);
    const conn = salesforceConnection(session);
    const grants = await conn.query<{ Id: string; Field: string }>(`SELECT Id, Field FROM FieldPermissions WHERE ParentId = '${first.permissionSetId}'`);
    const all = [...grants.records];
    for (let page = grants; !page.done && page.nextRecordsUrl; ) {
      page = await conn.queryMore(page.nextRecordsUrl);
      all.push(...page.records);
    }
    await conn.sobject('FieldPermissions').update({ Id: all[0]!.Id, PermissionsEdit: false });
    await conn.sobject('FieldPermissions').destroy(all[1]!.Id);
    const again = await provision(session);
    expect(again.grantsCreated.sort()).toEqual([all[0]!.Field, all[1]!.Field].sort());
    expect(again.created).toEqual([]);
  });

  it('finds a permission set made in between by name', async () => {
    const conn = salesforceConnection(session);
    const made = await conn.sobject('PermissionSet').create({ Name: SWAY_INTEGRATION_PERMISSION_SET, Label: 'Made by an admin' });
    const result = await provision(session);
    expect(result).toMatchObject({ groupCreated: false, permissionSetId: made.id });
  });
});

describe('usage', () => {
  it('reads the same daily usage from Sforce-Limit-Info and /limits', async () => {
    sandbox.setApiUsage(500, 20_000);
    const conn = salesforceConnection(session);
    const res = await fetch(`${session.apiBaseUrl}/services/data/v68.0/limits`, { headers: { authorization: `Bearer ${session.accessToken}` } });
    const fromHeader = parseLimitInfo(res.headers.get('sforce-limit-info'));
    const fromBody = parseLimitsBody(await res.json());
    expect(fromHeader).toEqual({ used: 501, max: 20_000, remaining: 19_499 });
    expect(fromBody).toEqual(fromHeader);
    await conn.request('/limits');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 502, limit: 20_000 });
  });
});
