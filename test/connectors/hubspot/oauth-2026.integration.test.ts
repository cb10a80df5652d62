/**
 * HubSpot retires the OAuth v1 endpoints on 2027-02-16 (connectors/hubspot/api.ts). With the
 * sandbox's sunset set in the past, v1 answers 404, and Sway must still install, introspect and
 * refresh — on the 2026-03 endpoints only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../../connectors/index.ts';
import { withSession } from '../../../src/sync/access.ts';
import { getInstallation } from '../../../src/store/installations.ts';
import { startHarness, type Harness } from '../../helpers/harness.ts';

let h: Harness;
let contactId: string;
beforeAll(async () => {
  h = await startHarness({ sandbox: { oauthV1SunsetAt: 0 } });
  [contactId] = h.sandbox.seedContacts([{ email: 'a@example.com' }]) as [string];
});
afterAll(async () => {
  await h.close();
});

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('OAuth after the v1 sunset', () => {
  it('the sandbox refuses v1 once the sunset has passed', async () => {
    const res = await fetch(`${h.sandbox.url}/oauth/v1/token`, form({ grant_type: 'refresh_token', refresh_token: 'x', client_id: h.sandbox.clientId, client_secret: h.sandbox.clientSecret }));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toContain('/oauth/2026-03/token');
  });

  it('installs and refreshes through /oauth/2026-03/token and introspection, never v1', async () => {
    h.sandbox.clearRequests();
    const { installationId, portalId } = await h.install();
    expect(portalId).toBe(String(h.sandbox.portalId));
    h.sandbox.expireAccessTokens();
    const read = await withSession(h.rt.jobs.access, installationId, (s) => connectors.hubspot.readContacts(s, [contactId]));
    expect(read.map((c) => c.id)).toEqual([contactId]);
    const oauth = h.sandbox.requests.filter((r) => r.path.startsWith('/oauth/') && r.path !== '/oauth/authorize');
    expect(oauth.map((r) => [r.path, r.grantType ?? null, r.status])).toEqual([
      ['/oauth/2026-03/token', 'authorization_code', 200],
      ['/oauth/2026-03/token/introspect', null, 200],
      ['/oauth/2026-03/token', 'refresh_token', 200],
    ]);
    // The token never travels in a URL.
    const inst = await getInstallation(h.rt.store.db, installationId);
    expect(inst!.status).toBe('active');
    expect(h.sandbox.requests.every((r) => !r.bearer || !r.path.includes(r.bearer))).toBe(true);
  });

  it('token answers carry token_use; introspection says active or not', async () => {
    const app = { clientId: h.sandbox.clientId, clientSecret: h.sandbox.clientSecret };
    const code = await fetch(`${h.sandbox.url}/oauth/authorize?client_id=${app.clientId}&redirect_uri=http://127.0.0.1/cb&scope=oauth`, { redirect: 'manual' });
    const issued = new URL(code.headers.get('location')!).searchParams.get('code')!;
    const tokenRes = await fetch(`${h.sandbox.url}/oauth/2026-03/token`, form({ grant_type: 'authorization_code', code: issued, redirect_uri: 'http://127.0.0.1/cb', client_id: app.clientId, client_secret: app.clientSecret }));
    const tokens = (await tokenRes.json()) as { access_token: string; refresh_token: string; token_use: string };
    expect(tokens.token_use).toBe('access_token');
    const introspect = async (token: string) =>
      (await (await fetch(`${h.sandbox.url}/oauth/2026-03/token/introspect`, form({ token, client_id: app.clientId, client_secret: app.clientSecret }))).json()) as Record<string, unknown>;
    expect(await introspect(tokens.access_token)).toMatchObject({ active: true, token_use: 'access_token', hub_id: h.sandbox.portalId });
    expect(await introspect(tokens.refresh_token)).toMatchObject({ active: true, token_use: 'refresh_token' });
    expect(await introspect('nope')).toEqual({ active: false });
    const bad = await fetch(`${h.sandbox.url}/oauth/2026-03/token/introspect`, form({ token: tokens.access_token, client_id: app.clientId, client_secret: 'wrong' }));
    expect(bad.status).toBe(400);
  });
});
