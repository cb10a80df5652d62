/**
 * POST /webhooks/hubspot against the running Sway, signed here exactly as HubSpot signs
 * (base64 HMAC-SHA256 of method + full URI + raw body + timestamp), then the webhook job run
 * directly against the real sandbox, Redis and store.
 */
import { createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { pushJob } from '../../src/jobs/push.ts';
import { jobId } from '../../src/jobs/queues.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { webhookJob } from '../../src/jobs/webhook.ts';
import { listRuns } from '../../src/store/runs.ts';
import { crmRecords, people, personLinks, pushedValues, stageTransitions, webhookEvents } from '../../src/store/schema.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
const ids: Record<string, string> = {};

// Contacts in the portal; the ones with a person are linked by email.
const CONTACTS = {
  deleted: 'del@example.com', // person "del"
  mergedAway: 'merged@example.com', // person "mergy"
  primary: 'primary@example.com', // nobody
  survivor: 'survivor@example.com', // nobody: stands for the new record a merge creates
  gdpr: 'gdpr@example.com', // person "gdpr"…
  gdprWork: 'gdpr.work@example.com', // …who owns a second contact
  gdpr2: 'gdpr2@example.com', // person "gdpr2"
  other: 'other@example.com', // person "other", who talks with gdpr
  staged: 'staged@example.com', // nobody
};

beforeAll(async () => {
  h = await startHarness();
  const names = Object.keys(CONTACTS) as (keyof typeof CONTACTS)[];
  const seeded = h.sandbox.seedContacts(names.map((n) => ({ email: CONTACTS[n], lifecyclestage: 'lead' })));
  names.forEach((n, i) => (ids[n] = seeded[i]!));
  const install = await h.install();
  installationId = install.installationId;
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullJob(h.rt.jobs, installationId, 'p');
  const at = new Date(Date.now() - 3600_000).toISOString();
  const res = await fetch(`${h.rt.url}/api/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${install.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      people: [
        { id: 'del', emails: [CONTACTS.deleted], audienceSize: 100 },
        { id: 'mergy', emails: [CONTACTS.mergedAway], audienceSize: 5000, topics: ['crm'] },
        { id: 'gdpr', name: 'Gee Dee', emails: [CONTACTS.gdpr, CONTACTS.gdprWork], handles: [{ network: 'x', handle: 'gdpr' }], audienceSize: 900 },
        { id: 'gdpr2', emails: [CONTACTS.gdpr2], handles: [{ network: 'linkedin', handle: 'gdpr2' }] },
        { id: 'other', emails: [CONTACTS.other], audienceSize: 300 },
      ],
      interactions: [
        { externalId: 'i1', from: 'gdpr', to: 'other', kind: 'reply', topics: ['crm'], sentiment: 0.5, occurredAt: at },
        { externalId: 'i2', from: 'other', to: 'gdpr', kind: 'mention', occurredAt: at },
        { externalId: 'i3', from: 'gdpr2', to: 'other', kind: 'share', occurredAt: at },
        { externalId: 'i4', from: 'mergy', to: 'other', kind: 'reply', occurredAt: at },
      ],
    }),
  });
  expect(res.status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 's');
  await pushJob(h.rt.jobs, installationId, 'push');
});
afterAll(async () => {
  await h.close();
});

let nextEventId = 4_000_000_001;
function event(subscriptionType: string, objectId: string, extra: Record<string, unknown> = {}) {
  return {
    eventId: nextEventId++,
    subscriptionId: 3100001,
    portalId: h.sandbox.portalId,
    appId: 1001,
    occurredAt: Date.now(),
    subscriptionType,
    attemptNumber: 0,
    objectId: Number(objectId),
    changeSource: 'CRM_UI',
    ...extra,
  };
}

function sign(secret: string, method: string, uri: string, body: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');
}

/** POSTs a body signed as HubSpot would; `sent` replaces the body after signing (tampering). */
async function deliver(
  payload: unknown,
  opts: { secret?: string; timestamp?: number; uri?: string; sent?: string; headers?: Record<string, string> | null } = {},
) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = String(opts.timestamp ?? Date.now());
  const uri = opts.uri ?? `${h.rt.config.publicUrl}/webhooks/hubspot`;
  const signature = sign(opts.secret ?? h.sandbox.clientSecret, 'POST', uri, body, timestamp);
  const headers = opts.headers === null ? {} : opts.headers ?? { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
  return fetch(`${h.rt.url}/webhooks/hubspot`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: opts.sent ?? body });
}

const db = () => h.rt.store.db;
const storedEventIds = async () => (await db().select({ id: webhookEvents.eventId }).from(webhookEvents)).map((r) => r.id);
const eventKey = (e: { eventId: number }) => `hubspot:${h.sandbox.portalId}:${e.eventId}`;
const waitingJobs = async (kind: 'webhook' | 'score') => (await h.rt.queues[kind].getJobs(['waiting', 'delayed', 'prioritized'])).map((j) => j.id);

async function personId(externalId: string): Promise<number> {
  const [row] = await db().select({ id: people.id }).from(people).where(eq(people.externalId, externalId));
  return row!.id;
}
async function recordRows(crmId: string) {
  const where = <T extends typeof crmRecords | typeof personLinks | typeof pushedValues>(t: T) =>
    and(eq(t.installationId, installationId), eq(t.objectType, 'contact'), eq(t.crmId, crmId));
  return {
    record: await db().select().from(crmRecords).where(where(crmRecords)),
    link: await db().select().from(personLinks).where(where(personLinks)),
    pushed: await db().select().from(pushedValues).where(where(pushedValues)),
  };
}
/** Rows in every table that refers to a person. */
async function rowsAboutPerson(id: number) {
  const n = async (q: ReturnType<typeof sql>) => Number(((await db().execute(q)) as unknown as { rows: { n: number }[] }).rows[0]!.n);
  return {
    people: await n(sql`SELECT count(*)::int AS n FROM people WHERE id = ${id}`),
    person_emails: await n(sql`SELECT count(*)::int AS n FROM person_emails WHERE person_id = ${id}`),
    person_handles: await n(sql`SELECT count(*)::int AS n FROM person_handles WHERE person_id = ${id}`),
    interactions: await n(sql`SELECT count(*)::int AS n FROM interactions WHERE from_person_id = ${id} OR to_person_id = ${id}`),
    person_links: await n(sql`SELECT count(*)::int AS n FROM person_links WHERE person_id = ${id}`),
  };
}

describe('POST /webhooks/hubspot: who may call', () => {
  it('answers 401 to a forged request and stores nothing', async () => {
    const before = await storedEventIds();
    const body = JSON.stringify([event('contact.creation', ids.staged!)]);
    const cases = [
      { name: 'one byte changed in the body', res: await deliver(body, { sent: body.replace(`"objectId":${ids.staged}`, `"objectId":${Number(ids.staged) + 1}`) }) },
      { name: 'another secret', res: await deliver(body, { secret: 'not-the-client-secret' }) },
      { name: 'another URI', res: await deliver(body, { uri: `${h.rt.config.publicUrl}/webhooks/other` }) },
    ];
    for (const c of cases) {
      expect(c.res.status, c.name).toBe(401);
      expect(await c.res.json(), c.name).toEqual({ error: { code: 'SIGNATURE_INVALID', message: expect.any(String) } });
    }
    expect(await storedEventIds()).toEqual(before);
  });

  it('answers 401 to a replay older than 5 minutes, and to a request without the headers', async () => {
    const before = await storedEventIds();
    const stale = await deliver([event('contact.creation', ids.staged!)], { timestamp: Date.now() - 5 * 60_000 - 5_000 });
    expect(stale.status).toBe(401);
    expect((await stale.json()).error.code).toBe('SIGNATURE_EXPIRED');
    const bare = await deliver([event('contact.creation', ids.staged!)], { headers: null });
    expect(bare.status).toBe(401);
    expect((await bare.json()).error.code).toBe('SIGNATURE_MISSING');
    expect(await storedEventIds()).toEqual(before);
  });

  it('answers 400 with issue paths to a signed body it cannot read', async () => {
    const notJson = await deliver('[{"eventId": 1,');
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe('MALFORMED_JSON');
    const badShape = await deliver([event('contact.creation', ids.staged!), { ...event('contact.deletion', ids.staged!), occurredAt: 'soon', portalId: undefined }]);
    expect(badShape.status).toBe(400);
    const body = (await badShape.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('INVALID_WEBHOOK');
    expect(body.error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['1.occurredAt', '1.portalId']));
  });

  it('drops events for unknown portals and types it does not follow, still answering 204', async () => {
    const before = await storedEventIds();
    const res = await deliver([
      { ...event('contact.creation', ids.staged!), portalId: 999_999 },
      event('contact.associationChange', ids.staged!, { associationType: 'CONTACT_TO_COMPANY', fromObjectId: 1, toObjectId: 2 }),
    ]);
    expect(res.status).toBe(204);
    expect(await storedEventIds()).toEqual(before);
    expect(await waitingJobs('webhook')).toEqual([]);
  });
});

describe('webhook events: stored once, applied once', () => {
  it('stores good events, ignores them when re-sent, and the job applies them once', async () => {
    // A contact created in HubSpot after the pull, and a stage change Sway has not seen.
    const [fresh] = h.sandbox.seedContacts([{ email: 'fresh@example.com', lifecyclestage: 'subscriber' }]);
    await db().update(crmRecords).set({ lifecycleStage: 'stale' }).where(and(eq(crmRecords.installationId, installationId), eq(crmRecords.crmId, ids.staged!)));
    const events = [
      event('contact.creation', fresh!),
      event('contact.propertyChange', ids.staged!, { propertyName: 'lifecyclestage', propertyValue: 'lead' }),
      event('deal.creation', '9001'),
    ];
    const first = await deliver(events);
    expect(first.status).toBe(204);
    const keys = events.map(eventKey);
    expect(await storedEventIds()).toEqual(expect.arrayContaining(keys));
    const queued = await waitingJobs('webhook');
    expect(queued).toHaveLength(1);

    // HubSpot re-sends (a timeout on its side): same event ids, next attempt, new signature.
    const again = await deliver(events.map((e) => ({ ...e, attemptNumber: 1 })));
    expect(again.status).toBe(204);
    const stored = await db().select().from(webhookEvents);
    expect(stored.filter((r) => keys.includes(r.eventId))).toHaveLength(3);
    expect(await waitingJobs('webhook')).toEqual(queued);

    h.sandbox.clearRequests();
    const scoresBefore = await waitingJobs('score');
    await webhookJob(h.rt.jobs, installationId, queued[0]!);
    await webhookJob(h.rt.jobs, installationId, 'again');
    expect(requestsTo(h.sandbox, 'POST', /\/crm\/v3\/objects\/contacts\/batch\/read$/)).toHaveLength(1);
    const [freshRow] = (await recordRows(fresh!)).record;
    expect(freshRow).toMatchObject({ email: 'fresh@example.com', lifecycleStage: 'subscriber' });
    expect((await recordRows(ids.staged!)).record[0]!.lifecycleStage).toBe('lead');
    const processed = await db().select().from(webhookEvents);
    expect(processed.filter((r) => keys.includes(r.eventId)).every((r) => r.processedAt !== null)).toBe(true);
    const [second, firstRun] = await listRuns(db(), installationId, 'webhook');
    expect(firstRun!.counts).toMatchObject({ events: 3, read: 2, ignored: 1 });
    expect(second!.counts).toMatchObject({ events: 0 });
    // One score job (relink + push) for the new contact and the stage change.
    const scores = (await waitingJobs('score')).filter((id) => !scoresBefore.includes(id));
    expect(scores).toEqual([jobId('score', installationId, queued[0]!)]);

    // Re-sent after processing: still not pending again.
    expect((await deliver(events)).status).toBe(204);
    await webhookJob(h.rt.jobs, installationId, 'third');
    expect((await listRuns(db(), installationId, 'webhook'))[0]!.counts).toMatchObject({ events: 0 });
  });
});

describe('webhook job: one run at a time per installation', () => {
  it('turns a second concurrent run away with a retryable error, leaving the events pending', async () => {
    const e = event('contact.propertyChange', ids.staged!, { propertyName: 'firstname', propertyValue: 'Sam' });
    expect((await deliver([e])).status).toBe(204);
    const key = `${h.rt.config.redis.prefix}:webhook-lock:${installationId}`;
    await h.rt.jobs.access.redis.set(key, 'another-worker', 'PX', 600_000); // held for the whole check however slow; deleted below
    try {
      await expect(webhookJob(h.rt.jobs, installationId, 'locked')).rejects.toMatchObject({ code: 'TRANSIENT' });
      const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.eventId, eventKey(e)));
      expect(row!.processedAt).toBeNull();
    } finally {
      await h.rt.jobs.access.redis.del(key);
    }
    await webhookJob(h.rt.jobs, installationId, 'unlocked');
    const [row] = await db().select().from(webhookEvents).where(eq(webhookEvents.eventId, eventKey(e)));
    expect(row!.processedAt).not.toBeNull();
    expect(await h.rt.jobs.access.redis.exists(key)).toBe(0);
  });
});

describe('webhook events: deletions, merges, privacy deletions', () => {
  it("a deletion removes the record's rows and keeps the person", async () => {
    const before = await recordRows(ids.deleted!);
    expect(before.record).toHaveLength(1);
    expect(before.link).toHaveLength(1);
    expect(before.pushed).toHaveLength(1);
    expect((await deliver([event('contact.deletion', ids.deleted!)])).status).toBe(204);
    await webhookJob(h.rt.jobs, installationId, 'deletion');
    expect(await recordRows(ids.deleted!)).toEqual({ record: [], link: [], pushed: [] });
    expect((await rowsAboutPerson(await personId('del'))).people).toBe(1);
  });

  it('a merge re-points the person link and pushed state to the surviving id', async () => {
    const mergedAway = await recordRows(ids.mergedAway!);
    expect(mergedAway.link[0]!.personId).toBe(await personId('mergy'));
    const pushedBefore = mergedAway.pushed[0]!.values;
    expect(Object.keys(pushedBefore).length).toBeGreaterThan(3);
    expect((await recordRows(ids.survivor!)).link).toEqual([]);
    // HubSpot today: a merge makes a new record (newObjectId); primary and secondary both go
    // (each also gets a deletion event). "survivor" stands for that new record here.
    // The deletions arrive first and carry lower event ids, but happened after the merge.
    const t = Date.now();
    const deletions = [event('contact.deletion', ids.mergedAway!, { occurredAt: t + 1 }), event('contact.deletion', ids.primary!, { occurredAt: t + 1 })];
    const merge = event('contact.merge', ids.primary!, {
      occurredAt: t,
      primaryObjectId: Number(ids.primary),
      mergedObjectIds: [Number(ids.mergedAway)],
      newObjectId: Number(ids.survivor),
      numberOfPropertiesMoved: 7,
    });
    expect((await deliver([...deletions, merge])).status).toBe(204);
    h.sandbox.clearRequests();
    await webhookJob(h.rt.jobs, installationId, 'merge');

    const survivor = await recordRows(ids.survivor!);
    expect(survivor.link).toMatchObject([{ personId: await personId('mergy'), method: 'merge' }]);
    // The primary had none of Sway's values, so HubSpot filled them from the merged record.
    expect(survivor.pushed).toMatchObject([{ values: pushedBefore, lastError: null }]);
    expect(survivor.record).toMatchObject([{ email: CONTACTS.survivor }]);
    expect(await recordRows(ids.mergedAway!)).toEqual({ record: [], link: [], pushed: [] });
    expect(await recordRows(ids.primary!)).toEqual({ record: [], link: [], pushed: [] });
    // The survivor was read back from the CRM after the merge.
    const reads = requestsTo(h.sandbox, 'POST', /\/contacts\/batch\/read$/);
    expect(reads.flatMap((r) => (r.body as { inputs: { id: string }[] }).inputs.map((i) => i.id))).toEqual([ids.survivor]);
  });

  it("a privacy deletion erases the person and every record linked to them, leaving no row behind", async () => {
    const gdpr = await personId('gdpr');
    const other = await personId('other');
    expect(await rowsAboutPerson(gdpr)).toEqual({ people: 1, person_emails: 2, person_handles: 1, interactions: 2, person_links: 2 });
    expect((await recordRows(ids.gdprWork!)).pushed).toHaveLength(1);
    // Earlier, HubSpot told us the contact's email: that value is personal data too.
    expect((await deliver([event('contact.propertyChange', ids.gdpr!, { propertyName: 'email', propertyValue: CONTACTS.gdpr })])).status).toBe(204);
    await webhookJob(h.rt.jobs, installationId, 'gdpr-email');

    // Stage history (campaign outcomes) names the erased records too; another record's stays.
    const transition = (crmId: string) => ({ installationId, objectType: 'contact', crmId, fromStage: 'lead', toStage: 'customer', at: new Date() });
    await db().insert(stageTransitions).values([transition(ids.gdpr!), transition(ids.gdprWork!), transition('unrelated-record')]);
    const transitionsOf = async (crmId: string) =>
      (await db().select().from(stageTransitions).where(and(eq(stageTransitions.installationId, installationId), eq(stageTransitions.crmId, crmId)))).length;

    // HubSpot sends a plain deletion with the privacy deletion; here the plain one comes first.
    const t = Date.now();
    const res = await deliver([event('contact.privacyDeletion', ids.gdpr!, { occurredAt: t + 1 }), event('contact.deletion', ids.gdpr!, { occurredAt: t })]);
    expect(res.status).toBe(204);
    const scoresBefore = await waitingJobs('score');
    await webhookJob(h.rt.jobs, installationId, 'gdpr');

    expect(await rowsAboutPerson(gdpr)).toEqual({ people: 0, person_emails: 0, person_handles: 0, interactions: 0, person_links: 0 });
    expect(await recordRows(ids.gdpr!)).toEqual({ record: [], link: [], pushed: [] });
    expect(await recordRows(ids.gdprWork!)).toEqual({ record: [], link: [], pushed: [] });
    expect([await transitionsOf(ids.gdpr!), await transitionsOf(ids.gdprWork!), await transitionsOf('unrelated-record')]).toEqual([0, 0, 1]);
    const left = await db().select().from(webhookEvents).where(eq(webhookEvents.objectId, ids.gdpr!));
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => r.propertyValue === null && !('linkedPersonId' in r.payload))).toBe(true);
    // Everyone else stays; their scores are recomputed without the erased interactions.
    expect((await rowsAboutPerson(other)).people).toBe(1);
    expect((await waitingJobs('score')).filter((id) => !scoresBefore.includes(id))).toEqual([jobId('score', installationId, 'gdpr')]);
    expect((await listRuns(db(), installationId, 'webhook'))[0]!.counts).toMatchObject({ privacyDeleted: 1, peoplePurged: 1, deleted: 0 });
  });

  it('a privacy deletion still finds the person when the plain deletion was applied in an earlier run', async () => {
    const gdpr2 = await personId('gdpr2');
    expect((await deliver([event('contact.deletion', ids.gdpr2!)])).status).toBe(204);
    await webhookJob(h.rt.jobs, installationId, 'gdpr2-delete');
    expect((await recordRows(ids.gdpr2!)).link).toEqual([]);
    expect((await rowsAboutPerson(gdpr2)).people).toBe(1);

    expect((await deliver([event('contact.privacyDeletion', ids.gdpr2!)])).status).toBe(204);
    await webhookJob(h.rt.jobs, installationId, 'gdpr2-privacy');
    expect(await rowsAboutPerson(gdpr2)).toEqual({ people: 0, person_emails: 0, person_handles: 0, interactions: 0, person_links: 0 });
  });
});
