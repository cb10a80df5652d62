/**
 * The CRM edge dispatches on `:crm` through the connector registry (issue 12, item 3):
 * /oauth/:crm/install|callback and /webhooks/:crm serve every configured connector, and
 * answer 404 with the error body for a CRM that is unknown or not configured here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type ErrorBody = { error: { code: string; message: string; issues?: { path: string }[] } };

async function expectNotFound(res: Response): Promise<void> {
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as ErrorBody;
  expect(body.error.code).toBe('NOT_FOUND');
  expect(body.error.issues?.map((i) => i.path)).toEqual(['params.crm']);
}

describe('/oauth/:crm and /webhooks/:crm', () => {
  it('answer 404 with the error body for an unknown CRM, to browsers too', async () => {
    const html = { accept: 'text/html' };
    for (const crm of ['pipedrive', 'constructor', '__proto__']) {
      await expectNotFound(await fetch(`${h.rt.url}/oauth/${crm}/install`, { redirect: 'manual', headers: html }));
      await expectNotFound(await fetch(`${h.rt.url}/oauth/${crm}/callback?code=c&state=s`, { headers: html }));
      await expectNotFound(await fetch(`${h.rt.url}/webhooks/${crm}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' }));
    }
  });

  it('answer 404 for a known CRM this deployment is not configured for', async () => {
    const saved = h.rt.config.crms.hubspot;
    delete h.rt.config.crms.hubspot;
    try {
      await expectNotFound(await fetch(`${h.rt.url}/oauth/hubspot/install`, { redirect: 'manual' }));
      await expectNotFound(await fetch(`${h.rt.url}/webhooks/hubspot`, { method: 'POST', body: '[]' }));
    } finally {
      h.rt.config.crms.hubspot = saved;
    }
    expect((await fetch(`${h.rt.url}/oauth/hubspot/install`, { redirect: 'manual' })).status).toBe(302);
  });

  it("name the CRM by its connector's label on the installed page, and the account in the answer", async () => {
    const start = await fetch(`${h.rt.url}/oauth/hubspot/install`, { redirect: 'manual' });
    const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const approved = await fetch(new URL(start.headers.get('location')!), { redirect: 'manual' });
    const page = await fetch(new URL(approved.headers.get('location')!), { headers: { accept: 'text/html', cookie } });
    expect(page.status).toBe(201);
    expect(await page.text()).toContain(`installed in HubSpot account ${h.sandbox.portalId}`);
    const again = await fetch(`${h.rt.url}/oauth/hubspot/install`, { redirect: 'manual' });
    const againCookie = again.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const approvedAgain = await fetch(new URL(again.headers.get('location')!), { redirect: 'manual' });
    const json = (await (await fetch(new URL(approvedAgain.headers.get('location')!), { headers: { accept: 'application/json', cookie: againCookie } })).json()) as Record<string, unknown>;
    // `accountId` for every CRM; HubSpot's answer keeps its first release's `portalId` too.
    expect(json).toMatchObject({ accountId: String(h.sandbox.portalId), portalId: String(h.sandbox.portalId), reinstall: true });
  });
});
