// The Salesforce sandbox's pure parts: record ids (the 18-character case-safe form, checked
// against ids from Salesforce's own documentation examples) and the SOQL subset's planner and
// evaluator over plain rows.
import { describe, expect, it } from 'vitest';
import { SandboxHttpError } from '../../../connectors/salesforce/sandbox/errors.ts';
import { makeId, normalizeId } from '../../../connectors/salesforce/sandbox/ids.ts';
import type { FieldDef } from '../../../connectors/salesforce/sandbox/schema.ts';
import { planQuery, runQuery, type Table } from '../../../connectors/salesforce/sandbox/soql.ts';

describe('record ids', () => {
  it('adds the case-safe suffix Salesforce computes', () => {
    expect(normalizeId('0015000000Gv7qJ')).toBe('0015000000Gv7qJAAR');
    expect(normalizeId('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(normalizeId('001A0000006Vm9rIAC')).toBe('001A0000006Vm9rIAC');
    expect(normalizeId('001A0000006Vm9rXXX')).toBeUndefined(); // wrong suffix
    expect(normalizeId('003-bad')).toBeUndefined();
  });

  it('makes ids with the object prefix, increasing in sort order', () => {
    const ids = [1, 61, 62, 3844].map((n) => makeId('003', n));
    expect(ids.every((id) => id.startsWith('003') && normalizeId(id) === id)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });
});

const field = (name: string, type: FieldDef['type']): FieldDef => ({ name, label: name, type, updateable: true });
const rows = [
  { Id: '0035g0000000002AAA', Email: 'B@acme.test', Score__c: 5, SystemModstamp: '2026-12-01T10:00:00.000+0000' },
  { Id: '0035g0000000001AAA', Email: 'a@acme.test', Score__c: 9, SystemModstamp: '2026-12-01T10:00:00.000+0000' },
  { Id: '0035g0000000003AAA', Email: null, Score__c: 7, SystemModstamp: '2026-12-01T11:00:00.000+0000' },
];
const contact: Table = {
  name: 'Contact',
  fields: [field('Id', 'id'), field('Email', 'email'), field('Score__c', 'double'), field('SystemModstamp', 'datetime')],
  rows: () => rows,
};
const resolve = (name: string) => (name.toLowerCase() === 'contact' ? contact : undefined);
const ids = (soql: string) => runQuery(planQuery(soql, resolve)).map((r) => r.Id);
const errorCode = (soql: string) => {
  try {
    planQuery(soql, resolve);
  } catch (error) {
    return ((error as SandboxHttpError).body as Array<{ errorCode: string }>)[0]!.errorCode;
  }
  return 'none';
};

describe('SOQL subset', () => {
  it('orders by SystemModstamp then Id, and compares text case-insensitively and datetimes as instants', () => {
    expect(ids('SELECT Id FROM Contact ORDER BY SystemModstamp, Id')).toEqual(['0035g0000000001AAA', '0035g0000000002AAA', '0035g0000000003AAA']);
    expect(ids("SELECT Id FROM contact WHERE email = 'b@ACME.test'")).toEqual(['0035g0000000002AAA']);
    expect(ids('SELECT Id FROM Contact WHERE SystemModstamp > 2026-12-01T10:30:00+00:00')).toEqual(['0035g0000000003AAA']);
    expect(ids('SELECT Id FROM Contact WHERE Email != null AND Score__c >= 6')).toEqual(['0035g0000000001AAA']);
    expect(ids("SELECT Id FROM Contact WHERE Id IN ('0035g0000000003', '0035g0000000002AAA') LIMIT 1")).toEqual(['0035g0000000002AAA']);
  });

  it('refuses what the sandbox would answer wrongly, with Salesforce\'s error codes', () => {
    expect(errorCode('SELECT Id FROM Contact WHERE Email = null OR Score__c > 1')).toBe('MALFORMED_QUERY');
    expect(errorCode('SELECT Id FROM Contact ORDER BY SystemModstamp DESC, Id')).toBe('MALFORMED_QUERY');
    expect(errorCode('SELECT Id FROM Contact OFFSET 5')).toBe('MALFORMED_QUERY');
    expect(errorCode('SELECT MAX(Score__c) FROM Contact')).toBe('MALFORMED_QUERY');
    expect(errorCode('SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM OpportunityContactRole)')).toBe('MALFORMED_QUERY');
    expect(errorCode('SELECT Id FROM Contact WHERE SystemModstamp = TODAY')).toBe('MALFORMED_QUERY');
    expect(errorCode('SELECT Id FROM Contact WHERE CreatedDate = null')).toBe('INVALID_FIELD');
    expect(errorCode('SELECT Id FROM Contact WHERE Email > 2026-01-01T00:00:00Z')).toBe('INVALID_FIELD');
    expect(errorCode('SELECT Id FROM Lead')).toBe('INVALID_TYPE');
    expect(errorCode('SELECT Id FROM Contact')).toBe('none');
  });
});
