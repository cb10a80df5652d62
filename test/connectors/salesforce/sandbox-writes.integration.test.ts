// Writing to the Salesforce sandbox with the real jsforce: sObject Collections (per-record
// results in order, 5 of 200 failing with reasons while 195 are written; > 200 refused;
// allOrNone rollback), single-record calls, and custom fields through the Tooling API that
// become writable only once a permission set grants them.
import type { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.ts';
import { connect, rejection } from './sandbox-session.ts';

let sandbox: SalesforceSandbox;
let conn: Connection;

beforeEach(async () => {
  sandbox = createSalesforceSandbox({ now: () => Date.parse('2026-12-01T10:00:00.000Z') });
  await sandbox.start();
  conn = await connect(sandbox, { callOptions: { client: 'sway' } });
});
afterEach(async () => {
  await sandbox.stop();
});

interface SaveResult { id?: string; success: boolean; errors: Array<{ statusCode: string; message: string; fields: string[] }> }

describe('sObject Collections', () => {
  it('updates 200 records in one call: 195 written, 5 reported in request order with their reasons', async () => {
    const ids = sandbox.seedRecords('Contact', Array.from({ length: 200 }, (_, i) => ({ LastName: `P${i}`, Email: `p${i}@acme.test` })));
    sandbox.deleteRecord('Contact', ids[150]!);
    sandbox.setFaults({ lockedIds: [ids[10]!, ids[20]!] });
    const records = ids.map((Id, i) => ({ Id, Title: `Title ${i}` }) as Record<string, unknown>);
    records[3]!.Email = 'not-an-email';
    records[99]!.Title = 'x'.repeat(129);
    const results = (await conn.sobject('Contact').update(records as Array<{ Id: string }>, { allOrNone: false })) as SaveResult[];
    expect(sandbox.requests.filter((r) => r.path === '/services/data/v68.0/composite/sobjects')).toHaveLength(1);
    expect(results).toHaveLength(200);
    const failed = results.flatMap((r, i) => (r.success ? [] : [[i, r.errors[0]!.statusCode, r.errors[0]!.fields]]));
    expect(failed).toEqual([
      [3, 'INVALID_EMAIL_ADDRESS', ['Email']],
      [10, 'UNABLE_TO_LOCK_ROW', []],
      [20, 'UNABLE_TO_LOCK_ROW', []],
      [99, 'STRING_TOO_LONG', ['Title']],
      [150, 'ENTITY_IS_DELETED', []],
    ]);
    expect(results[3]!.errors[0]!.message).toBe('Email: invalid email address: not-an-email');
    expect(results[0]).toEqual({ id: ids[0], success: true, errors: [] });
    const written = sandbox.listRecords('Contact').filter((c) => typeof c.Title === 'string' && c.Title.startsWith('Title '));
    expect(written).toHaveLength(195);
    expect(sandbox.getRecord('Contact', ids[3]!)!.Email).toBe('p3@acme.test'); // a failed record is left as it was
    expect(sandbox.requests.at(-1)).toMatchObject({ client: 'sway', callOptions: 'client=sway' });
  });

  it('refuses more than 200 records as a whole, and rolls everything back with allOrNone', async () => {
    const many = Array.from({ length: 201 }, (_, i) => ({ LastName: `N${i}` }));
    const error = await rejection(conn.sobject('Contact').create(many, { allOrNone: false }));
    expect(error.errorCode).toBe('EXCEEDED_ID_LIMIT');
    expect(sandbox.listRecords('Contact')).toHaveLength(0);
    const results = (await conn.sobject('Contact').create([{ LastName: 'Ok' }, { FirstName: 'No last name' }], { allOrNone: true })) as SaveResult[];
    expect(results.map((r) => [r.success, r.errors[0]?.statusCode])).toEqual([[false, 'ALL_OR_NONE_OPERATION_ROLLED_BACK'], [false, 'REQUIRED_FIELD_MISSING']]);
    expect(sandbox.listRecords('Contact')).toHaveLength(0);
  });
});

describe('single records', () => {
  it('creates, reads, updates and refuses bad fields with [{message, errorCode, fields}]', async () => {
    const created = (await conn.sobject('Lead').create({ LastName: 'Lee', Company: 'Acme', Email: 'lee@acme.test' })) as SaveResult;
    expect(created).toMatchObject({ success: true, errors: [] });
    expect(created.id).toMatch(/^00Q\w{15}$/);
    const lead = await conn.sobject('Lead').retrieve(created.id!, { fields: ['Name', 'Status'] });
    expect(lead).toMatchObject({ Name: 'Lee', Status: 'Open - Not Contacted' });
    await conn.sobject('Lead').update({ Id: created.id!, Status: 'Working - Contacted' });
    expect(sandbox.getRecord('Lead', created.id!)!.Status).toBe('Working - Contacted');
    const bad = await rejection(conn.sobject('Lead').update({ Id: created.id!, Status: 'Nope' }));
    expect(bad.errorCode).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
    const res = await fetch(`${sandbox.url}/services/data/v68.0/sobjects/Lead/${created.id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ Name: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([{
      message: 'Unable to create/update fields: Name. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['Name'],
    }]);
    expect((await rejection(conn.sobject('Lead').retrieve('00Q5g0000000000009'))).errorCode).toBe('NOT_FOUND');
  });
});

describe('Tooling custom fields and permissions', () => {
  it('creates a field once (DUPLICATE_DEVELOPER_NAME after), lists it, and accepts it on records once granted', async () => {
    const field = { FullName: 'Contact.Sway_Score__c', Metadata: { label: 'Sway score', type: 'Number', precision: 5, scale: 1 } };
    const created = (await conn.tooling.sobject('CustomField').create(field)) as SaveResult;
    expect(created.id).toMatch(/^00N/);
    const dupe = await rejection(conn.tooling.sobject('CustomField').create(field));
    expect(dupe.errorCode).toBe('DUPLICATE_DEVELOPER_NAME');
    const listed = await conn.tooling.query("SELECT Id, DeveloperName, TableEnumOrId FROM CustomField WHERE DeveloperName = 'Sway_Score' AND TableEnumOrId IN ('Contact', 'Lead')");
    expect(listed.records).toEqual([expect.objectContaining({ Id: created.id, DeveloperName: 'Sway_Score', TableEnumOrId: 'Contact' })]);

    const [contact] = sandbox.seedRecords('Contact', [{ LastName: 'Kim' }]);
    // Without field-level security the API user cannot see the field.
    expect((await rejection(conn.sobject('Contact').update({ Id: contact!, Sway_Score__c: 42 }))).errorCode).toBe('INVALID_FIELD');
    const permSet = (await conn.sobject('PermissionSet').create({ Name: 'Sway', Label: 'Sway' })) as SaveResult;
    await conn.sobject('FieldPermissions').create({ ParentId: permSet.id!, SobjectType: 'Contact', Field: 'Contact.Sway_Score__c', PermissionsRead: true, PermissionsEdit: true });
    await conn.sobject('Contact').update({ Id: contact!, Sway_Score__c: 42.26 });
    const row = await conn.query(`SELECT Id, Sway_Score__c FROM Contact WHERE Id = '${contact}'`);
    expect(row.records[0]!.Sway_Score__c).toBe(42.3);
    const permSets = await conn.tooling.query("SELECT Id, Name FROM PermissionSet WHERE Name = 'Sway'");
    expect(permSets.records.map((r) => r.Id)).toEqual([permSet.id]);
    const again = await rejection(conn.sobject('FieldPermissions').create({ ParentId: permSet.id!, SobjectType: 'Contact', Field: 'Contact.Sway_Score__c', PermissionsRead: true }));
    expect(again.errorCode).toBe('DUPLICATE_VALUE');
  });
});
