import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getField } from '../../src/domain/fields.ts';
import { hubspotFieldsFor, toHubSpotValue } from '../../connectors/hubspot/properties.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { pushJob } from '../../src/jobs/push.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { countLinkedContacts } from '../../src/store/crm-records.ts';
import { installations, pushedValues } from '../../src/store/schema.ts';
import { listRuns } from '../../src/store/runs.ts';
import { unsealTokens } from '../../src/store/installations.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let apiKey: string;
const LINKED = 250;

beforeAll(async () => {
  h = await startHarness();
  // 300 contacts, 250 of whom are people Sway hears about (one with an upper-case email).
  h.sandbox.seedContacts(Array.from({ length: 300 }, (_, i) => ({ email: `p${i}@example.com`, lifecyclestage: i % 2 ? 'lead' : 'customer' })));
  ({ installationId, apiKey } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullJob(h.rt.jobs, installationId, 'p');
  const people = Array.from({ length: LINKED }, (_, i) => ({ id: `person-${i}`, emails: [i === 0 ? 'P0@EXAMPLE.COM' : `p${i}@example.com`], audienceSize: 100 * (i + 1) }));
  people.push({ id: 'influencer', emails: ['not-a-contact@example.com'], audienceSize: 1_000_000 });
  const interactions = Array.from({ length: LINKED }, (_, i) => ({
    externalId: `e${i}`, from: `person-${i}`, to: 'influencer', kind: 'reply', topics: ['crm'], sentiment: 0.6, occurredAt: new Date(Date.now() - i * 3600_000).toISOString(),
  }));
  const res = await fetch(`${h.rt.url}/api/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ people, interactions }),
  });
  expect(res.status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 's');
});
afterAll(async () => {
  await h.close();
});

describe('score and push', () => {
  it('links people to contacts by normalised email', async () => {
    expect(await countLinkedContacts(h.rt.store.db, installationId)).toBe(LINKED);
  });

  it('pushes 250 linked contacts in 3 batch calls with the catalogue values', async () => {
    h.sandbox.clearRequests();
    await pushJob(h.rt.jobs, installationId, 'push-1');
    const calls = requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/objects\/contacts\/batch\/update$/);
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    const sizes = calls.map((c) => (c.body as { inputs: unknown[] }).inputs.length);
    expect(sizes).toEqual([100, 100, 50]);
    // Every input carries only strings, as HubSpot requires.
    for (const c of calls) for (const input of (c.body as { inputs: { properties: Record<string, unknown> }[] }).inputs) {
      expect(Object.values(input.properties).every((v) => typeof v === 'string')).toBe(true);
    }
    const [run] = await listRuns(h.rt.store.db, installationId, 'push');
    expect(run!.counts).toMatchObject({ read: LINKED, written: LINKED, failed: 0, calls: 3 });

    const contacts = h.sandbox.listContacts();
    const pushed = contacts.filter((c) => c.properties.sway_influence_score);
    expect(pushed).toHaveLength(LINKED);
    const c0 = contacts.find((c) => c.properties.email === 'p0@example.com')!;
    expect(c0.properties.sway_stage).toBe('purchase'); // lifecyclestage customer
    expect(c0.properties.sway_top_topics).toBe('crm');
    expect(c0.properties.sway_brand_sentiment).toBe(toHubSpotValue(getField('brandSentiment'), 0.6));
    expect(contacts.find((c) => c.properties.email === 'p299@example.com')!.properties.sway_influence_score ?? null).toBeNull();
    // Bigger audience, bigger score.
    const score = (email: string) => Number(contacts.find((c) => c.properties.email === email)!.properties.sway_influence_score);
    expect(score('p249@example.com')).toBeGreaterThan(score('p1@example.com'));
    expect(hubspotFieldsFor('contacts').length).toBeGreaterThan(5);
  });

  it('re-pushes nothing when nothing changed, and only the changed records when some did', async () => {
    h.sandbox.clearRequests();
    await pushJob(h.rt.jobs, installationId, 'push-unchanged');
    expect(requestsTo(h.sandbox, 'POST', /batch\/update$/)).toHaveLength(0);
    const [run] = await listRuns(h.rt.store.db, installationId, 'push');
    expect(run!.counts).toMatchObject({ read: LINKED, changed: 0, skipped: LINKED, calls: 0 });

    // Three people get a much bigger audience: only their contacts change, in one call.
    const people = [3, 4, 5].map((i) => ({ id: `person-${i}`, emails: [`p${i}@example.com`], audienceSize: 50_000_000 }));
    const res = await fetch(`${h.rt.url}/api/v1/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ people }),
    });
    expect(res.status).toBe(202);
    await scoreJob(h.rt.jobs, installationId, 's2');
    h.sandbox.clearRequests();
    await pushJob(h.rt.jobs, installationId, 'push-changed');
    const calls = requestsTo(h.sandbox, 'POST', /batch\/update$/);
    expect(calls).toHaveLength(1);
    const inputs = (calls[0]!.body as { inputs: { id: string; properties: Record<string, string> }[] }).inputs;
    expect(inputs).toHaveLength(3);
    // Only the changed property goes out.
    for (const input of inputs) expect(Object.keys(input.properties)).toEqual(['sway_influence_score']);
  });

  it('refreshes a token that is about to expire before using it', async () => {
    const db = h.rt.store.db;
    // Forget what was pushed so this push has work to do.
    await db.delete(pushedValues).where(eq(pushedValues.installationId, installationId));
    const [before] = await db.select().from(installations).where(eq(installations.id, installationId));
    const oldToken = unsealTokens(h.rt.config.encryptionKey, before!).accessToken;
    // 60 s left: inside the 300 s refresh margin.
    await db.update(installations).set({ accessExpiresAt: new Date(Date.now() + 60_000) }).where(eq(installations.id, installationId));
    h.sandbox.clearRequests();
    const pushStarted = Date.now();
    await pushJob(h.rt.jobs, installationId, 'push-2');
    const reqs = h.sandbox.requests;
    const refreshAt = reqs.findIndex((r) => r.grantType === 'refresh_token' && r.status === 200);
    const firstWrite = reqs.findIndex((r) => r.path.endsWith('/batch/update'));
    expect(refreshAt).toBeGreaterThanOrEqual(0);
    expect(refreshAt).toBeLessThan(firstWrite);
    const [after] = await db.select().from(installations).where(eq(installations.id, installationId));
    const newToken = unsealTokens(h.rt.config.encryptionKey, after!).accessToken;
    expect(newToken).not.toBe(oldToken);
    expect(reqs[firstWrite]!.bearer).toBe(newToken);
    // The refreshed token's 1800 s count from its request, made during this push.
    expect(after!.accessExpiresAt.getTime()).toBeGreaterThanOrEqual(pushStarted + 1800_000);
  });

  it('marks the installation disconnected when HubSpot revokes the refresh token, and stops calling', async () => {
    const db = h.rt.store.db;
    h.sandbox.revokeRefreshTokens();
    await db.update(installations).set({ accessExpiresAt: new Date(Date.now() + 1_000) }).where(eq(installations.id, installationId));
    await expect(pushJob(h.rt.jobs, installationId, 'push-3')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    const [row] = await db.select().from(installations).where(eq(installations.id, installationId));
    expect(row!.status).toBe('disconnected');
    h.sandbox.clearRequests();
    await expect(pushJob(h.rt.jobs, installationId, 'push-4')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(h.sandbox.requests).toHaveLength(0);
  });
});
