// Bulk API 2.0 ingest in the Salesforce sandbox, with the real jsforce: a job's lifecycle
// (Open → UploadComplete → InProgress → JobComplete over polls), rows that fail (sf__Error)
// next to rows that succeed, a job that fails as a whole, and an aborted job's unprocessed rows.
import type { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSalesforceSandbox, type SalesforceSandbox } from '../../../connectors/salesforce/sandbox/index.ts';
import { connect, rejection } from './sandbox-session.ts';

let sandbox: SalesforceSandbox;
let conn: Connection;
const JOBS = '/services/data/v68.0/jobs/ingest';

beforeEach(async () => {
  sandbox = createSalesforceSandbox({ now: () => Date.parse('2026-12-01T10:00:00.000Z') });
  await sandbox.start();
  conn = await connect(sandbox);
  sandbox.clearRequests();
});
afterEach(async () => {
  await sandbox.stop();
});

async function api(path: string, init: { method?: string; body?: string; type?: string } = {}) {
  const headers: Record<string, string> = { authorization: `Bearer ${conn.accessToken}` };
  if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
  const res = await fetch(`${sandbox.url}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe('Bulk API 2.0 ingest', () => {
  it('updates through a job; failed rows come back with sf__Error beside the successful ones', async () => {
    const ids = sandbox.seedRecords('Contact', Array.from({ length: 10 }, (_, i) => ({ LastName: `P${i}`, Email: `p${i}@acme.test` })));
    sandbox.setFaults({ lockedIds: [ids[7]!] });
    const input = ids.map((Id, i) => ({ Id, Title: `T${i}`, Email: i === 2 || i === 5 ? `bad${i}` : `new${i}@acme.test` }));
    const results = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'update', input, pollInterval: 1, pollTimeout: 60_000 });
    expect(results.successfulResults).toHaveLength(7);
    expect(results.unprocessedRecords).toHaveLength(0);
    expect(results.failedResults.map((r) => [r.sf__Id, r.sf__Error])).toEqual([
      [ids[2], 'INVALID_EMAIL_ADDRESS:Email: invalid email address: bad2:Email --'],
      [ids[5], 'INVALID_EMAIL_ADDRESS:Email: invalid email address: bad5:Email --'],
      [ids[7], `UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record or 1 records: ${ids[7]}: --`],
    ]);
    expect(sandbox.getRecord('Contact', ids[0]!)).toMatchObject({ Title: 'T0', Email: 'new0@acme.test' });
    expect(sandbox.getRecord('Contact', ids[2]!)).toMatchObject({ Email: 'p2@acme.test' });
    // create, upload, close, 3 polls (InProgress twice by default), 3 result sets: 9 calls.
    expect(sandbox.requests.map((r) => `${r.method} ${r.path.replace(/750\w{15}/, ':id')}`)).toEqual([
      `POST ${JOBS}`, `PUT ${JOBS}/:id/batches`, `PATCH ${JOBS}/:id`, `GET ${JOBS}/:id`, `GET ${JOBS}/:id`, `GET ${JOBS}/:id`,
      `GET ${JOBS}/:id/successfulResults`, `GET ${JOBS}/:id/failedResults`, `GET ${JOBS}/:id/unprocessedrecords`,
    ]);
  });

  it('moves a job through its states over polls and serves result CSVs', async () => {
    const id = sandbox.seedRecords('Lead', [{ LastName: 'Lee', Company: 'Acme' }])[0]!;
    const created = await api(JOBS, { method: 'POST', body: JSON.stringify({ object: 'Lead', operation: 'update', contentType: 'CSV', lineEnding: 'LF' }) });
    const job = created.json();
    expect(job).toMatchObject({ state: 'Open', object: 'Lead', operation: 'update', apiVersion: 68, contentType: 'CSV', lineEnding: 'LF' });
    expect(job.id).toMatch(/^750\w{15}$/);
    expect((await api(`${JOBS}/${job.id}/successfulResults`)).status).toBe(409);
    const upload = await api(`${JOBS}/${job.id}/batches`, { method: 'PUT', type: 'text/csv', body: `Id,Status\n${id},Working - Contacted\n${id.slice(0, 15)},Bogus\n` });
    expect(upload).toMatchObject({ status: 201, text: '' });
    expect((await api(`${JOBS}/${job.id}`, { method: 'PATCH', body: JSON.stringify({ state: 'UploadComplete' }) })).json().state).toBe('UploadComplete');
    expect((await api(`${JOBS}/${job.id}/batches`, { method: 'PUT', type: 'text/csv', body: 'Id\n' })).status).toBe(409);
    const states = [];
    for (let i = 0; i < 4; i++) states.push((await api(`${JOBS}/${job.id}`)).json().state);
    expect(states).toEqual(['InProgress', 'InProgress', 'JobComplete', 'JobComplete']);
    expect((await api(`${JOBS}/${job.id}`)).json()).toMatchObject({ numberRecordsProcessed: 2, numberRecordsFailed: 1 });
    expect((await api(`${JOBS}/${job.id}/successfulResults`)).text).toBe(`"sf__Id","sf__Created","Id","Status"\n"${id}","false","${id}","Working - Contacted"\n`);
    expect((await api(`${JOBS}/${job.id}/failedResults`)).text).toBe(
      `"sf__Id","sf__Error","Id","Status"\n"${id.slice(0, 15)}","INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:Lead Status: bad value for restricted picklist field: Bogus:Status --","${id.slice(0, 15)}","Bogus"\n`,
    );
  });

  it('fails a job whose CSV names an unknown field, and jsforce reports it', async () => {
    const error = await rejection(conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'insert', input: [{ LastName: 'A', Nope__c: 'x' }], pollInterval: 1, pollTimeout: 60_000 }));
    expect(error.message).toBe('Ingest job failed to complete due to: InvalidBatch : Field name not found : Nope__c');
    expect(sandbox.listRecords('Contact')).toHaveLength(0);
  });

  it('lists an aborted job\'s rows as unprocessed and writes none of them', async () => {
    const job = conn.bulk2.createJob({ object: 'Contact', operation: 'insert' });
    await job.open();
    await job.uploadData('LastName,Email\nA,a@acme.test\nB,b@acme.test\n');
    await job.abort();
    expect((await job.check()).state).toBe('Aborted');
    const unprocessed = (await job.getUnprocessedRecords()) as unknown as Array<Record<string, string>>;
    expect(unprocessed.map((r) => r.LastName)).toEqual(['A', 'B']);
    expect(sandbox.listRecords('Contact')).toHaveLength(0);
  });
});
