import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthState, consumeOAuthState, STATE_TTL_MS } from '../../src/store/oauth-states.ts';
import { installations } from '../../src/store/schema.ts';
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

/** Runs /install and the sandbox consent, returning the callback URL (code + state). */
async function consentCallbackUrl(): Promise<URL> {
  const start = await fetch(`${h.rt.url}/oauth/hubspot/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const consent = new URL(start.headers.get('location')!);
  const approved = await fetch(consent, { redirect: 'manual' });
  expect(approved.status).toBe(302);
  return new URL(approved.headers.get('location')!);
}

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
    const result = await h.install();
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
    // Expiry comes from HubSpot's expires_in (1800 s).
    const left = row!.accessExpiresAt.getTime() - Date.now();
    expect(left).toBeGreaterThan(1700_000);
    expect(left).toBeLessThanOrEqual(1800_000);
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
    const callback = await consentCallbackUrl();
    const first = await fetch(callback, { headers: { accept: 'application/json' } });
    expect(first.status).toBe(201);
    const replay = await fetch(callback, { headers: { accept: 'application/json' } });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('INVALID_STATE');
  });

  it('rejects an unknown state and a missing code with the problem paths', async () => {
    const before = (await h.rt.store.db.select().from(installations)).length;
    const callback = await consentCallbackUrl();
    callback.searchParams.set('state', 'forged-state');
    const forged = await fetch(callback, { headers: { accept: 'application/json' } });
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
