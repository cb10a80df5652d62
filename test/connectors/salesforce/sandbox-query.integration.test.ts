// Reading from the Salesforce sandbox with the real jsforce: SOQL incremental pulls with
// queryMore paging, the subset's refusals (MALFORMED_QUERY, INVALID_FIELD), describe picklists,
// and deletions and merges (deleted resource, queryAll with MasterRecordId).
import type { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.ts';
import { connect, rejection } from './sandbox-session.ts';

const START = Date.parse('2026-12-01T10:00:00.000Z');
let clock = START;
let sandbox: SalesforceSandbox;
let conn: Connection;

beforeEach(async () => {
  clock = START;
  sandbox = createSalesforceSandbox({ now: () => clock, queryPageSize: 3 });
  await sandbox.start();
  conn = await connect(sandbox);
});
afterEach(async () => {
  await sandbox.stop();
});

const seedContacts = (n: number, from = 0) =>
  sandbox.seedRecords('Contact', Array.from({ length: n }, (_, i) => ({ LastName: `Person ${from + i}`, Email: `p${from + i}@acme.test` })));

interface Row { Id: string; Email: string; SystemModstamp: string }

describe('query and queryMore', () => {
  it('pages with nextRecordsUrl until done, in SystemModstamp, Id order', async () => {
    const ids = seedContacts(8);
    const soql = 'SELECT Id, Email, SystemModstamp FROM Contact ORDER BY SystemModstamp, Id';
    // The raw body (jsforce's query() rewrites nextRecordsUrl into an absolute URL).
    const first = await conn.request<{ totalSize: number; done: boolean; records: Row[]; nextRecordsUrl?: string }>(`/query?q=${encodeURIComponent(soql)}`);
    expect(first).toMatchObject({ totalSize: 8, done: false });
    expect(first.records).toHaveLength(3);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v68\.0\/query\/01g\w{15}-3$/);
    expect(first.records[0]).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v68.0/sobjects/Contact/${ids[0]}` },
      Id: ids[0], Email: 'p0@acme.test', SystemModstamp: '2026-12-01T10:00:00.000+0000',
    });
    const seen = [...first.records];
    // jsforce's queryMore takes the link (it keeps only the locator after the last '/').
    let page = await conn.queryMore<Row>(first.nextRecordsUrl!);
    seen.push(...page.records);
    while (!page.done) {
      page = await conn.queryMore<Row>(page.nextRecordsUrl!);
      seen.push(...page.records);
    }
    expect(seen.map((r) => r.Id)).toEqual(ids);
    expect(sandbox.requests.filter((r) => r.path.startsWith('/services/data/v68.0/query')).length).toBe(3);
    // jsforce's autoFetch follows the same links.
    const all = await conn.query<Row>(soql, { autoFetch: true, maxFetch: 100 });
    expect(all.records.map((r) => r.Id)).toEqual(ids);
  });

  it('filters incrementally on SystemModstamp and more conditions, and honours LIMIT', async () => {
    seedContacts(2);
    clock += 60_000;
    const later = seedContacts(4, 2);
    sandbox.updateRecord('Contact', later[3]!, { Email: null });
    const res = await conn.query<Row>("SELECT Id FROM Contact WHERE SystemModstamp > 2026-12-01T10:00:30Z AND Email != null AND LastName != 'Person 2' ORDER BY SystemModstamp, Id LIMIT 2");
    expect(res.records.map((r) => r.Id)).toEqual([later[1], later[2]]);
    expect(res.done).toBe(true);
    const inList = await conn.query<Row>(`SELECT Id FROM Contact WHERE Id IN ('${later[0]!.slice(0, 15)}', '${later[2]}')`);
    expect(inList.records.map((r) => r.Id)).toEqual([later[0], later[2]]);
  });

  it('refuses SOQL outside the subset with MALFORMED_QUERY and unknown names with INVALID_FIELD / INVALID_TYPE', async () => {
    for (const soql of [
      'SELECT Id FROM Contact WHERE Email = null OR LastName = null',
      'SELECT COUNT() FROM Contact',
      'SELECT Id FROM Contact ORDER BY LastName',
      'SELECT Account.Name FROM Contact',
      'SELEC Id FROM Contact',
    ]) {
      const error = await rejection(conn.query(soql));
      expect(error.errorCode, soql).toBe('MALFORMED_QUERY');
    }
    expect((await rejection(conn.query('SELECT Id, Nope__c FROM Contact'))).errorCode).toBe('INVALID_FIELD');
    expect((await rejection(conn.query('SELECT Id FROM Widget__c'))).errorCode).toBe('INVALID_TYPE');
    const res = await fetch(`${sandbox.url}/services/data/v68.0/query/01g5g0000000000000-3`, { headers: { authorization: `Bearer ${conn.accessToken}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
  });

  it('reads Opportunities with their contact roles', async () => {
    const [contact] = seedContacts(1);
    const [opp] = sandbox.seedRecords('Opportunity', [{ Name: 'Big deal', StageName: 'Closed Won', CloseDate: '2026-12-24', Amount: 5000 }]);
    sandbox.seedRecords('OpportunityContactRole', [{ OpportunityId: opp, ContactId: contact, Role: 'Decision Maker', IsPrimary: true }]);
    const opps = await conn.query('SELECT Id, StageName, IsClosed, IsWon, Probability FROM Opportunity ORDER BY SystemModstamp, Id');
    expect(opps.records[0]).toMatchObject({ StageName: 'Closed Won', IsClosed: true, IsWon: true, Probability: 100 });
    const roles = await conn.query(`SELECT Id, ContactId, OpportunityId, Role, IsPrimary FROM OpportunityContactRole WHERE OpportunityId = '${opp}'`);
    expect(roles.records[0]).toMatchObject({ ContactId: contact, OpportunityId: opp, Role: 'Decision Maker', IsPrimary: true });
  });
});

describe('describe', () => {
  it('lists Lead Status and Opportunity stages as the org has them', async () => {
    const lead = await conn.sobject('Lead').describe();
    const status = lead.fields.find((f) => f.name === 'Status')!;
    expect(status.type).toBe('picklist');
    expect(status.picklistValues!.map((p) => p.value)).toEqual(['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted']);
    expect(status.picklistValues![0]!.defaultValue).toBe(true);
    sandbox.setPicklistValues('Opportunity', 'StageName', [{ value: 'Discovery' }, { value: 'Signed', closed: true, won: true, probability: 100 }]);
    const opp = await conn.sobject('Opportunity').describe();
    expect(opp.fields.find((f) => f.name === 'StageName')!.picklistValues!.map((p) => p.value)).toEqual(['Discovery', 'Signed']);
    expect(opp.keyPrefix).toBe('006');
    expect((await rejection(conn.sobject('Widget__c').describe())).errorCode).toBe('NOT_FOUND');
  });
});

describe('deleted records and merges', () => {
  it('lists deletions in a window and shows the merge master through queryAll', async () => {
    const [master, dupe, gone] = seedContacts(3);
    clock += 60_000;
    sandbox.mergeRecords('Contact', master!, [dupe!]);
    clock += 60_000;
    await conn.sobject('Contact').destroy(gone!);
    const deleted = await conn.sobject('Contact').deleted('2026-12-01T09:00:00Z', new Date(clock + 1000).toISOString());
    expect(deleted.deletedRecords).toEqual([
      { id: dupe, deletedDate: '2026-12-01T10:01:00.000+0000' },
      { id: gone, deletedDate: '2026-12-01T10:02:00.000+0000' },
    ]);
    const live = await conn.query<Row>('SELECT Id FROM Contact');
    expect(live.records.map((r) => r.Id)).toEqual([master]);
    const merged = await conn.query(`SELECT Id, IsDeleted, MasterRecordId FROM Contact WHERE IsDeleted = true AND Id IN ('${dupe}', '${gone}')`, { scanAll: true });
    expect(sandbox.requests.at(-1)!.path).toBe('/services/data/v68.0/queryAll');
    expect(merged.records.map((r) => [r.Id, r.MasterRecordId])).toEqual([[dupe, master], [gone, null]]);
    // The documented path ends in a slash: '/deleted/?start&end'.
    const slash = await fetch(`${sandbox.url}/services/data/v68.0/sobjects/Contact/deleted/?start=2026-12-01T09:00:00Z&end=2026-12-01T11:00:00Z`, { headers: { authorization: `Bearer ${conn.accessToken}` } });
    expect(((await slash.json()) as { deletedRecords: unknown[] }).deletedRecords).toHaveLength(2);
    const tooOld = await rejection(conn.sobject('Contact').deleted('2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z'));
    expect(tooOld.errorCode).toBe('INVALID_REPLICATION_DATE');
  });
});
