/**
 * Identity resolution end to end: handles read from the CRM fields an admin names (a real pull
 * from the sandbox), relinking by email then handle, conflicts, manual links, tenant isolation.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullJob } from '../../src/jobs/pull.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { getInstallation, updateSettings } from '../../src/store/installations.ts';
import { listRuns } from '../../src/store/runs.ts';
import { crmRecords, personLinks } from '../../src/store/schema.ts';
import { settingsOf } from '../../src/sync/installation-settings.ts';
import { withSession } from '../../src/sync/access.ts';
import { apiClient, otherInstallation } from '../helpers/api.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let apiKey: string;
let api: ReturnType<typeof apiClient>;
/** Sandbox contact ids by name. */
const c: Record<string, string> = {};

const person = (id: string, extra: object = {}) => ({ id, name: id, ...extra });
const x = (handle: string) => ({ network: 'x', handle });

beforeAll(async () => {
  h = await startHarness();
  ({ installationId, apiKey } = await h.install());
  api = apiClient(h, apiKey);
  // A custom property for LinkedIn profile URLs, created the way an admin's app would.
  const created = await withSession(h.rt.jobs.access, installationId, (s) =>
    fetch(`${s.apiBaseUrl}/crm/v3/properties/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'linkedin_profile', label: 'LinkedIn profile', type: 'string', fieldType: 'text', groupName: 'contactinformation' }),
    }),
  );
  expect(created.status).toBe(201);
  const seeded = h.sandbox.seedContacts([
    { email: 'ana@example.com', twitterhandle: '@Ana_X' }, // email → ana (the handle agrees)
    { twitterhandle: 'https://twitter.com/Bo_X' }, // handle (from a URL) → bo
    { email: 'cy@example.com', twitterhandle: 'dee_x' }, // email → cy, handle → dee: conflict
    { twitterhandle: 'eve_x' }, // eve's handle on two records: conflict
    { twitterhandle: '@EVE_X' },
    { linkedin_profile: 'https://www.linkedin.com/in/Fay-Li/' }, // linkedin handle → fay
    { email: 'gus@example.com' }, // email → gus
    { twitterhandle: 'nobody_x', email: 'nobody@example.com' }, // no person: nothing
  ]);
  ['ana', 'bo', 'cyDee', 'eve1', 'eve2', 'fay', 'gus', 'nobody'].forEach((name, i) => (c[name] = seeded[i]!));
  await updateSettings(h.rt.store.db, installationId, { handleFields: { x: 'twitterhandle', linkedin: 'linkedin_profile' } });
  await pullJob(h.rt.jobs, installationId, 'pull-1');

  const res = await api('POST', '/api/v1/signals', {
    people: [
      person('ana', { emails: ['ana@example.com'], handles: [x('ana_x')] }),
      person('bo', { handles: [x('bo_x')] }),
      person('cy', { emails: ['cy@example.com'] }),
      person('dee', { handles: [x('dee_x')] }),
      person('eve', { handles: [x('eve_x')] }),
      person('fay', { handles: [{ network: 'linkedin', handle: 'fay-li' }] }),
      person('gus', { emails: ['gus@example.com'] }),
    ],
  });
  expect(res.status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 'score-1');
});
afterAll(async () => {
  await h.close();
});

async function links(): Promise<Record<string, { person: string; method: string } | undefined>> {
  const got = await api('GET', '/api/v1/identity/conflicts');
  expect(got.status).toBe(200);
  const out: Record<string, { person: string; method: string } | undefined> = {};
  for (const [name, crmId] of Object.entries(c)) {
    const r = await api('GET', `/api/v1/links/contact/${crmId}`);
    expect(r.status).toBe(200);
    out[name] = r.body.link ? { person: r.body.link.person, method: r.body.link.method } : undefined;
  }
  return out;
}

describe('handles from the CRM fields the admin names', () => {
  it('the pull reads the named properties and stores normalised handles (URLs included)', async () => {
    const listCalls = requestsTo(h.sandbox, 'GET', /^\/crm\/v3\/objects\/contacts$/);
    expect(listCalls.length).toBeGreaterThan(0);
    const stored = await h.rt.store.db.select().from(crmRecords).where(eq(crmRecords.installationId, installationId));
    const handles = Object.fromEntries(stored.map((r) => [r.crmId, r.handles]));
    expect(handles[c.ana!]).toEqual({ x: 'ana_x' });
    expect(handles[c.bo!]).toEqual({ x: 'bo_x' });
    expect(handles[c.eve2!]).toEqual({ x: 'eve_x' });
    expect(handles[c.fay!]).toEqual({ linkedin: 'fay-li' });
    expect(handles[c.gus!]).toEqual({});
    const settings = settingsOf((await getInstallation(h.rt.store.db, installationId))!);
    expect(settings.handleFieldsPulled).toEqual({ x: 'twitterhandle', linkedin: 'linkedin_profile' });
  });

  it('relinking links by email first, then by handle, and reports conflicts instead of guessing', async () => {
    expect(await links()).toEqual({
      ana: { person: 'ana', method: 'email' },
      bo: { person: 'bo', method: 'handle' },
      cyDee: undefined,
      eve1: undefined,
      eve2: undefined,
      fay: { person: 'fay', method: 'handle' },
      gus: { person: 'gus', method: 'email' },
      nobody: undefined,
    });
    const stored = await h.rt.store.db.select().from(personLinks).where(eq(personLinks.installationId, installationId));
    expect(stored.filter((l) => l.method === 'handle').map((l) => l.crmId).sort()).toEqual([c.bo, c.fay].sort());
  });

  it('the score run keeps the conflicts in its errors', async () => {
    const [run] = await listRuns(h.rt.store.db, installationId, 'score');
    expect(run!.status).toBe('succeeded');
    expect(run!.counts).toMatchObject({ linked: 4, conflicts: 2 });
    expect(run!.errors).toHaveLength(2);
    expect(run!.errors.map((e) => e.recordId).sort()).toEqual([c.cyDee, c.eve1].sort());
    expect(run!.errors.find((e) => e.recordId === c.cyDee)!.message).toContain('identity conflict (email_handle_disagree)');
  });

  it('GET /api/v1/identity/conflicts lists them with records, people and evidence', async () => {
    const res = await api('GET', '/api/v1/identity/conflicts');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    const byKind = Object.fromEntries(res.body.conflicts.map((k: { kind: string }) => [k.kind, k]));
    expect(byKind.email_handle_disagree).toMatchObject({
      records: [{ objectType: 'contact', crmId: c.cyDee }],
      people: ['cy', 'dee'],
      evidence: [
        { kind: 'email', value: 'cy@example.com', person: 'cy' },
        { kind: 'handle', network: 'x', value: 'dee_x', person: 'dee' },
      ],
    });
    expect(byKind.handle_claimed_by_records).toMatchObject({
      records: [{ crmId: c.eve1 }, { crmId: c.eve2 }].sort((a, b) => Number(a.crmId) - Number(b.crmId)),
      people: ['eve'],
    });
    expect(byKind.handle_claimed_by_records.message).toContain('x handle "eve_x"');
  });

  it('an incremental pull (search) reads the handle fields too: a fixed record links and its conflict goes', async () => {
    h.sandbox.updateContact(c.cyDee!, { twitterhandle: '' });
    h.sandbox.clearRequests();
    await pullJob(h.rt.jobs, installationId, 'pull-2');
    const searches = requestsTo(h.sandbox, 'POST', /\/objects\/contacts\/search$/);
    expect(searches.length).toBeGreaterThan(0);
    expect((searches[0]!.body as { properties: string[] }).properties).toEqual(expect.arrayContaining(['twitterhandle', 'linkedin_profile']));
    await scoreJob(h.rt.jobs, installationId, 'score-2');
    expect((await links()).cyDee).toEqual({ person: 'cy', method: 'email' });
    const res = await api('GET', '/api/v1/identity/conflicts');
    expect(res.body.conflicts.map((k: { kind: string }) => k.kind)).toEqual(['handle_claimed_by_records']);
  });
});

describe('explicit links', () => {
  it('PUT links a contact by hand (method manual), and it wins over the email rule across relinking', async () => {
    const res = await api('PUT', `/api/v1/links/contact/${c.ana}`, { person: 'bo' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ objectType: 'contact', crmId: c.ana, person: 'bo', method: 'manual' });
    expect(await h.rt.queues.score.getJob(res.body.scoreJobId)).toBeTruthy();
    await scoreJob(h.rt.jobs, installationId, 'score-3');
    await pullJob(h.rt.jobs, installationId, 'pull-3');
    await scoreJob(h.rt.jobs, installationId, 'score-4');
    expect((await links()).ana).toEqual({ person: 'bo', method: 'manual' });
  });

  it('a manual link settles a conflict: the claimed handle is no longer reported once every claimant is linked by hand', async () => {
    expect((await api('PUT', `/api/v1/links/contact/${c.eve1}`, { person: 'eve' })).status).toBe(200);
    await scoreJob(h.rt.jobs, installationId, 'score-5');
    // eve2 still claims eve's handle without a link of its own: still reported.
    expect((await api('GET', '/api/v1/identity/conflicts')).body.count).toBe(1);
    expect((await links()).eve2).toBeUndefined();
    expect((await api('PUT', `/api/v1/links/contact/${c.eve2}`, { person: 'dee' })).status).toBe(200);
    await scoreJob(h.rt.jobs, installationId, 'score-6');
    expect((await api('GET', '/api/v1/identity/conflicts')).body).toEqual({ count: 0, truncated: false, conflicts: [] });
    const [run] = await listRuns(h.rt.store.db, installationId, 'score');
    expect(run!.errors).toEqual([]);
  });

  it('DELETE removes the manual link, and the rules apply again at the next relink', async () => {
    const res = await api('DELETE', `/api/v1/links/contact/${c.ana}`);
    expect(res.status).toBe(204);
    expect((await links()).ana).toBeUndefined();
    await scoreJob(h.rt.jobs, installationId, 'score-7');
    expect((await links()).ana).toEqual({ person: 'ana', method: 'email' });
    // No manual link left: 404, and the automatic link stays.
    const again = await api('DELETE', `/api/v1/links/contact/${c.ana}`);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
    expect((await links()).ana).toEqual({ person: 'ana', method: 'email' });
  });

  it('refuses unknown records and people (404) and bad bodies (400 with paths)', async () => {
    const unknownRecord = await api('PUT', '/api/v1/links/contact/999999999', { person: 'ana' });
    expect(unknownRecord.status).toBe(404);
    expect(unknownRecord.body.error.message).toContain('999999999');
    const unknownPerson = await api('PUT', `/api/v1/links/contact/${c.nobody}`, { person: 'zoe' });
    expect(unknownPerson.status).toBe(404);
    expect(unknownPerson.body.error.message).toContain('"zoe"');
    expect((await api('GET', '/api/v1/links/contact/999999999')).status).toBe(404);
    expect((await api('DELETE', '/api/v1/links/contact/999999999')).status).toBe(404);

    const bad = await api('PUT', `/api/v1/links/contact/${c.nobody}`, { persn: 'ana' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_LINK');
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['persn', 'person']);
    const wrongType = await api('PUT', `/api/v1/links/contact/${c.nobody}`, { person: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.issues).toEqual([{ path: 'person', message: expect.any(String) }]);
    const notJson = await fetch(`${h.rt.url}/api/v1/links/contact/${c.nobody}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: '{"person": ',
    });
    expect(notJson.status).toBe(400);
    expect((await api('GET', `/api/v1/links/contact/${c.nobody}`)).body.link).toBeNull();
  });

  it('needs an API key', async () => {
    expect((await fetch(`${h.rt.url}/api/v1/identity/conflicts`)).status).toBe(401);
    expect((await fetch(`${h.rt.url}/api/v1/links/contact/${c.ana}`, { method: 'PUT', body: '{}' })).status).toBe(401);
  });
});

describe('changing handleFields', () => {
  it('re-reads every contact (not only the modified ones) and relinks with the new fields', async () => {
    await updateSettings(h.rt.store.db, installationId, { handleFields: { x: 'twitterhandle' } });
    h.sandbox.clearRequests();
    await pullJob(h.rt.jobs, installationId, 'pull-4');
    expect(requestsTo(h.sandbox, 'GET', /^\/crm\/v3\/objects\/contacts$/).length).toBeGreaterThan(0);
    const [run] = await listRuns(h.rt.store.db, installationId, 'pull');
    expect(run!.counts).toMatchObject({ handleFieldsChanged: 1, read: Object.keys(c).length });
    const [fay] = await h.rt.store.db
      .select()
      .from(crmRecords)
      .where(and(eq(crmRecords.installationId, installationId), eq(crmRecords.crmId, c.fay!)));
    expect(fay!.handles).toEqual({});
    await scoreJob(h.rt.jobs, installationId, 'score-8');
    expect((await links()).fay).toBeUndefined();
    // The next pull is incremental again.
    h.sandbox.clearRequests();
    await pullJob(h.rt.jobs, installationId, 'pull-5');
    expect(requestsTo(h.sandbox, 'GET', /^\/crm\/v3\/objects\/contacts$/)).toHaveLength(0);
  });
});

describe('tenant isolation', () => {
  it("another installation's key sees no conflicts or links of this one and cannot change them", async () => {
    const other = apiClient(h, (await otherInstallation(h)).apiKey);
    expect((await other('GET', '/api/v1/identity/conflicts')).body).toEqual({ count: 0, truncated: false, conflicts: [] });
    expect((await other('GET', `/api/v1/links/contact/${c.ana}`)).status).toBe(404);
    expect((await other('PUT', `/api/v1/links/contact/${c.ana}`, { person: 'bo' })).status).toBe(404);
    expect((await other('DELETE', `/api/v1/links/contact/${c.eve1}`)).status).toBe(404);
    expect((await links()).ana).toEqual({ person: 'ana', method: 'email' });
    expect((await links()).eve1).toEqual({ person: 'eve', method: 'manual' });
  });
});
