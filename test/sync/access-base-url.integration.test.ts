/**
 * Sessions call the API host stored on the installation (issue 12, item 2: a Salesforce org
 * has its own instance URL), while token refresh goes to the CRM app's own host. A forwarding
 * proxy in front of the sandbox stands for an account's own host: real HTTP both ways.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.ts';
import { fillApiBaseUrls, getInstallation } from '../../src/store/installations.ts';
import { installations } from '../../src/store/schema.ts';
import { withSession } from '../../src/sync/access.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let proxy: Server;
let proxyUrl: string;
const proxied: string[] = [];
let installationId: string;
let ids: string[];

beforeAll(async () => {
  h = await startHarness();
  const target = new URL(h.sandbox.url);
  proxy = createServer((req, res) => {
    proxied.push(`${req.method} ${req.url}`);
    const out = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  ids = h.sandbox.seedContacts([{ email: 'base-a@example.com' }, { email: 'base-b@example.com' }]);
  ({ installationId } = await h.install());
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await h.close();
});

const setBase = (apiBaseUrl: string | null) => h.rt.store.db.update(installations).set({ apiBaseUrl }).where(eq(installations.id, installationId));
const read = () => withSession(h.rt.jobs.access, installationId, (s) => connectors.hubspot.readContacts(s, ids));

describe("an installation's own API host", () => {
  it('is stored at install: the configured host for HubSpot', async () => {
    expect((await getInstallation(h.rt.store.db, installationId))!.apiBaseUrl).toBe(h.rt.config.crms.hubspot!.oauthApp.apiBaseUrl);
  });

  it('is where data calls go; the token refresh goes to the OAuth app', async () => {
    await setBase(proxyUrl);
    proxied.length = 0;
    h.sandbox.expireAccessTokens();
    h.sandbox.clearRequests();
    expect(await read()).toHaveLength(2);
    expect(proxied.length).toBeGreaterThan(0);
    expect(proxied.every((r) => r.includes('/crm/'))).toBe(true); // no OAuth call through the account's host
    expect(h.sandbox.requests.filter((r) => r.grantType === 'refresh_token').map((r) => r.status)).toEqual([200]);
    // A host that does not answer fails the call, although the configured one would have.
    await setBase('http://127.0.0.1:9');
    await expect(read()).rejects.toMatchObject({ code: 'TRANSIENT' });
  });

  it('is filled in at start for rows from before migration 0012', async () => {
    await setBase(null);
    expect(await read()).toHaveLength(2); // meanwhile: the configured host
    expect(await fillApiBaseUrls(h.rt.store.db, 'hubspot', h.sandbox.url)).toBe(1);
    expect(await fillApiBaseUrls(h.rt.store.db, 'hubspot', proxyUrl)).toBe(0); // only empty rows
    expect((await getInstallation(h.rt.store.db, installationId))!.apiBaseUrl).toBe(h.sandbox.url);
  });

  it('an installation of a CRM this process is not configured for gets no session', async () => {
    const saved = h.rt.jobs.access.crms.hubspot;
    delete h.rt.jobs.access.crms.hubspot;
    try {
      h.sandbox.clearRequests();
      await expect(read()).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('not configured') });
      expect(h.sandbox.requests).toHaveLength(0);
    } finally {
      h.rt.jobs.access.crms.hubspot = saved;
    }
  });
});
