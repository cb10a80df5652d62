import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthState, consumeOAuthState, STATE_TTL_MS } from '../../src/store/oauth-states.ts';
import { apiKeys, installations } from '../../src/store/schema.ts';
import { markDisconnected, unsealTokens } from '../../src/store/installations.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

// One harness per file (PGlite start-up costs seconds); tests only add installations.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** Runs /install and the sandbox consent, returning the callback URL (code + state) and the browser's cookie. */
async function consent(query = ''): Promise<{ callback: URL; cookie: string; setCookie: string }> {
  const start = await fetch(`${h.rt.url}/oauth/hubspot/install${query}`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const setCookie = start.headers.getSetCookie().join('\n');
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const approved = await fetch(new URL(start.headers.get('location')!), { redirect: 'manual' });
  expect(approved.status).toBe(302);
  return { callback: new URL(approved.headers.get('location')!), cookie, setCookie };
}

/** The callback as the browser that started the install makes it. */
const complete = (c: { callback: URL; cookie: string }, accept = 'application/json') => fetch(c.callback, { headers: { accept, cookie: c.cookie } });


describe('HubSpot install (OAuth)', () => {
  it('redirects to the authorize URL with client id, redirect URI, scopes and a state', async () => {
    const res = await fetch(`${h.rt.url}/oauth/hubspot/install`, { redirect: 'manual' });
    const loc = new URL(res.headers.get('location')!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`${h.sandbox.url}/oauth/authorize`);
    expect(loc.searchParams.get('client_id')).toBe(h.sandbox.clientId);
    expect(loc.searchParams.get('redirect_uri')).toBe(`${h.rt.url}/oauth/hubspot/callback`);
    expect(loc.searchParams.get('scope')).toContain('crm.objects.contacts.write');
    expect(loc.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
  });

  it('stores the installation with sealed tokens, issues an API key and enqueues provisioning', async () => {
    const installStarted = Date.now();
    const result = await h.install();
    const installEnded = Date.now();
    expect(result.portalId).toBe(String(h.sandbox.portalId));
    expect(result.apiKey).toMatch(/^sway_[0-9a-f]{8}_/);
    const [row] = await h.rt.store.db.select().from(installations).where(eq(installations.id, result.installationId));
    const issued = h.sandbox.requests.find((r) => r.grantType === 'authorization_code' && r.status === 200);
    expect(issued).toBeDefined();
    // The sealed columns hold no plaintext token, and unseal to the live ones.
    const tokens = unsealTokens(h.rt.config.encryptionKey, row!);
    expect(row!.accessTokenSealed).not.toContain(tokens.accessToken);
    expect(row!.refreshTokenSealed).not.toContain(tokens.refreshToken);
    expect(JSON.stringify(row)).not.toContain(tokens.accessToken);
    const info = await fetch(`${h.sandbox.url}/oauth/v1/access-tokens/${tokens.accessToken}`);
    expect(((await info.json()) as { hub_id: number }).hub_id).toBe(h.sandbox.portalId);
    // Expiry comes from HubSpot's expires_in (1800 s), counted from the token request (bounds
    // from the install's own start and end, so a slow machine cannot move them).
    expect(row!.accessExpiresAt.getTime()).toBeGreaterThanOrEqual(installStarted + 1800_000);
    expect(row!.accessExpiresAt.getTime()).toBeLessThanOrEqual(installEnded + 1800_000);
    const jobs = (await h.rt.queues.provision.getJobs(['waiting', 'delayed', 'active'])).filter((j) => j.data.installationId === result.installationId);
    expect(jobs.map((j) => j.data)).toEqual([{ installationId: result.installationId }]);
    // Jobs carry ids only.
    expect(JSON.stringify(jobs[0]!.data)).not.toContain(tokens.accessToken);
    // Incremental pulls are scheduled every 15 minutes, and stop once the installation is gone.
    const scheduler = await h.rt.queues.pull.getJobScheduler(`pull-schedule-${result.installationId}`);
    expect(scheduler?.every).toBe(15 * 60_000);
    await markDisconnected(h.rt.store.db, result.installationId);
    await pullJob(h.rt.jobs, result.installationId, 'scheduled');
    expect(await h.rt.queues.pull.getJobScheduler(`pull-schedule-${result.installationId}`)).toBeUndefined();
  });

  it('accepts a state once: replaying the callback is rejected', async () => {
    const c = await consent();
    const first = await complete(c);
    expect(first.status).toBe(201);
    const replay = await complete(c);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('INVALID_STATE');
  });

  it('rejects an unknown state and a missing code with the problem paths', async () => {
    const before = (await h.rt.store.db.select().from(installations)).length;
    const c = await consent();
    c.callback.searchParams.set('state', 'forged-state');
    const forged = await complete(c);
    expect(forged.status).toBe(400);
    const missing = await fetch(`${h.rt.url}/oauth/hubspot/callback?state=x`, { headers: { accept: 'application/json' } });
    const body = (await missing.json()) as { error: { issues: { path: string }[] } };
    expect(missing.status).toBe(400);
    expect(body.error.issues.map((i) => i.path)).toEqual(['query.code']);
    expect(await h.rt.store.db.select().from(installations)).toHaveLength(before);
  });

  it('expires a state after 10 minutes', async () => {
    const db = h.rt.store.db;
    const issuedAt = new Date(Date.now() - STATE_TTL_MS - 1000);
    const stale = await createOAuthState(db, 'hubspot', issuedAt);
    expect(await consumeOAuthState(db, 'hubspot', stale)).toBe(false);
    const fresh = await createOAuthState(db, 'hubspot', new Date(Date.now() - STATE_TTL_MS + 60_000));
    expect(await consumeOAuthState(db, 'salesforce', fresh)).toBe(false); // bound to its CRM
    expect(await consumeOAuthState(db, 'hubspot', fresh)).toBe(true);
    expect(await consumeOAuthState(db, 'hubspot', fresh)).toBe(false);
  });
});

describe('install bound to the browser (issue 10, item 5)', () => {
  it('sets the state in an HttpOnly, SameSite=Lax cookie scoped to the install flow; Secure when PUBLIC_URL is https', async () => {
    const { callback, setCookie } = await consent();
    expect(setCookie).toContain(`sway_oauth_state=${callback.searchParams.get('state')}`);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\/oauth\/hubspot/);
    expect(setCookie).not.toMatch(/Secure/);
    const publicUrl = h.rt.config.publicUrl;
    h.rt.config.publicUrl = 'https://sway.example.com';
    try {
      const res = await fetch(`${h.rt.url}/oauth/hubspot/install`, { redirect: 'manual' });
      expect(res.headers.getSetCookie().join()).toMatch(/; Secure/);
    } finally {
      h.rt.config.publicUrl = publicUrl;
    }
  });

  it("refuses a callback completed in another browser (an attacker's link), with a page saying so", async () => {
    const before = (await h.rt.store.db.select().from(installations)).length;
    const attacker = await consent();
    const victim = await consent(); // the victim's own, unrelated install attempt: a cookie, but not this state's
    for (const cookie of ['', victim.cookie]) {
      const page = await fetch(attacker.callback, { headers: { accept: 'text/html', cookie } });
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('not started in this browser');
      expect(html).toContain('href="/oauth/hubspot/install"');
      const json = await fetch(attacker.callback, { headers: { accept: 'application/json', cookie } });
      expect(((await json.json()) as { error: { code: string } }).error.code).toBe('STATE_MISMATCH');
    }
    expect(await h.rt.store.db.select().from(installations)).toHaveLength(before);
    // The attacker's state was not used up by the refusals: it still works in its own browser.
    expect((await complete(attacker)).status).toBe(201);
  });

  it('shows a declined install (HubSpot redirects with ?error=) as a page to a browser, JSON to a client that asks', async () => {
    const url = `${h.rt.url}/oauth/hubspot/callback?error=access_denied&error_description=User+declined`;
    const page = await fetch(url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Sway was not installed');
    const json = await fetch(url, { headers: { accept: 'application/json' } });
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('INSTALL_DECLINED');
  });

  const ingest = (key: string) =>
    fetch(`${h.rt.url}/api/v1/signals`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ people: [{ id: 'k' }] }) });

  it('revokes the earlier keys on reinstall, unless the install was started with ?keepKeys=1', async () => {
    const first = (await (await complete(await consent())).json()) as { installationId: string; apiKey: string };
    expect((await ingest(first.apiKey)).status).toBe(202);
    const kept = (await (await complete(await consent('?keepKeys=1'))).json()) as { installationId: string; apiKey: string; keysRevoked: number };
    expect(kept.installationId).toBe(first.installationId);
    expect(kept.keysRevoked).toBe(0);
    expect((await ingest(first.apiKey)).status).toBe(202);
    expect((await ingest(kept.apiKey)).status).toBe(202);
    const fresh = (await (await complete(await consent())).json()) as { apiKey: string; keysRevoked: number };
    expect(fresh.keysRevoked).toBeGreaterThanOrEqual(2);
    expect((await ingest(first.apiKey)).status).toBe(401);
    expect((await ingest(kept.apiKey)).status).toBe(401);
    expect((await ingest(fresh.apiKey)).status).toBe(202);
    // Only hashes are stored.
    const stored = await h.rt.store.db.select().from(apiKeys).where(eq(apiKeys.installationId, first.installationId));
    // The secret is everything after `sway_<prefix>_` (base64url, which may itself hold '_').
    const secret = fresh.apiKey.slice('sway_'.length + 9);
    expect(secret.length).toBeGreaterThan(40);
    expect(JSON.stringify(stored)).not.toContain(secret);
    const active = await h.rt.store.db.execute(sql`SELECT count(*)::int AS n FROM api_keys WHERE installation_id = ${first.installationId} AND revoked_at IS NULL`);
    expect((active as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(1);
  });
});
