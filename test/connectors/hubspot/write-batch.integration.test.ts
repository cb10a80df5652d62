// The connector's object-generic write path (writeBatch) against the sandbox over real HTTP:
// contacts and deals through their batch update endpoints, per-record refusals, and an object
// HubSpot does not write refused before any request.
import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmSession } from '../../../connectors/connector.ts';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import { createHubSpotSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox/index.ts';
import { writeBatchMaxFor } from '../../../connectors/object-support.ts';

const REDIRECT = 'http://localhost:3000/oauth/callback';
const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.deals.read', 'crm.objects.deals.write'];

let sandbox: HubSpotSandbox;
let session: CrmSession;

beforeAll(async () => {
  sandbox = createHubSpotSandbox();
  await sandbox.start();
  const q = new URLSearchParams({ client_id: sandbox.clientId, redirect_uri: REDIRECT, scope: SCOPES.join(' ') });
  const res = await fetch(`${sandbox.url}/oauth/authorize?${q}`, { redirect: 'manual' });
  const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
  const tokens = await new Client({ basePath: sandbox.url }).oauth.tokensApi.create('authorization_code', code, REDIRECT, sandbox.clientId, sandbox.clientSecret);
  session = { apiBaseUrl: sandbox.url, accessToken: tokens.accessToken };
});
afterAll(async () => {
  await sandbox.stop();
});

describe('hubspot.writeBatch', () => {
  it('declares contacts and deals with batches of 100, and nothing else', () => {
    expect(writeBatchMaxFor(hubspot, 'contact')).toBe(100);
    expect(writeBatchMaxFor(hubspot, 'deal')).toBe(100);
    expect(() => writeBatchMaxFor(hubspot, 'company')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });

  it('writes contacts, and reports a contact HubSpot no longer has as not found', async () => {
    const [id] = sandbox.seedContacts([{ email: 'w1@example.com' }]);
    const out = await hubspot.writeBatch(session, 'contact', [
      { id: id!, properties: { email: 'w1+new@example.com' } },
      { id: '999999', properties: { email: 'gone@example.com' } },
    ]);
    expect(out.written).toEqual([id]);
    expect(out.failed).toEqual([expect.objectContaining({ recordId: '999999', notFound: true })]);
    expect(sandbox.getContact(id!)!.properties.email).toBe('w1+new@example.com');
  });

  it('writes deals through the deal batch endpoint', async () => {
    const id = sandbox.createDeal({ dealname: 'Renewal', amount: '100' });
    const before = sandbox.requests.length;
    const out = await hubspot.writeBatch(session, 'deal', [{ id, properties: { amount: '250' } }]);
    expect(out).toEqual({ written: [id], failed: [] });
    expect(sandbox.getDeal(id)!.properties.amount).toBe('250');
    expect(sandbox.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /crm/v3/objects/deals/batch/update']);
  });

  it('refuses an object it does not write with UNSUPPORTED, before any request', async () => {
    const before = sandbox.requests.length;
    for (const object of ['lead', 'company', 'campaign', 'campaignMember'] as const) {
      await expect(hubspot.writeBatch(session, object, [{ id: '1', properties: { name: 'x' } }])).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        message: `the hubspot connector does not write ${object} records`,
      });
    }
    expect(sandbox.requests.length).toBe(before);
  });
});
