/**
 * People merges and privacy erasure (API and CLI), against a real pull from the sandbox.
 */
import { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullJob } from '../../src/jobs/pull.ts';
import { enqueue } from '../../src/jobs/queues.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { registerPeopleCommands } from '../../src/privacy-cli.ts';
import { updateSettings } from '../../src/store/installations.ts';
import { listRuns } from '../../src/store/runs.ts';
import { apiClient, otherInstallation, rows } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let api: ReturnType<typeof apiClient>;
const c: Record<string, string> = {};

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
const interaction = (externalId: string, from: string, to: string) => ({ externalId, from, to, kind: 'reply', occurredAt: minutesAgo(5), topics: ['crm'] });

beforeAll(async () => {
  h = await startHarness();
  const installed = await h.install();
  installationId = installed.installationId;
  api = apiClient(h, installed.apiKey);
  const seeded = h.sandbox.seedContacts([
    { email: 'm1@example.com' },
    { email: 'm2@example.com' },
    { email: 'zed@example.com' },
    { email: 'yan@example.com', twitterhandle: 'zed_x' }, // email → yan, handle → zed: a conflict naming zed
  ]);
  ['m1', 'm2', 'zed', 'yanConflict'].forEach((name, i) => (c[name] = seeded[i]!));
  await updateSettings(h.rt.store.db, installationId, { handleFields: { x: 'twitterhandle' } });
  await pullJob(h.rt.jobs, installationId, 'pull-1');
  const res = await api('POST', '/api/v1/signals', {
    people: [
      { id: 'm1', emails: ['m1@example.com'], topics: ['crm'], audienceSize: 100 },
      { id: 'm2', name: 'Em Two', emails: ['m2@example.com'], handles: [{ network: 'x', handle: 'm2_x' }], topics: ['sales'], audienceSize: 900, providerScores: [{ provider: 'klear', score: 70 }] },
      { id: 'm3', handles: [{ network: 'linkedin', handle: 'm3-li' }] },
      { id: 'o1' },
      { id: 'o2' },
      { id: 'zed', emails: ['zed@example.com'], handles: [{ network: 'x', handle: 'zed_x' }] },
      { id: 'yan', emails: ['yan@example.com'] },
    ],
    interactions: [
      interaction('i-o1-m2', 'o1', 'm2'),
      interaction('i-m2-o1', 'm2', 'o1'),
      interaction('i-m3-o2', 'm3', 'o2'),
      interaction('i-o1-m1', 'o1', 'm1'),
      interaction('i-m2-m1', 'm2', 'm1'), // becomes m1 → m1: dropped
      interaction('i-m2-m3', 'm2', 'm3'), // becomes m1 → m1: dropped
      interaction('i-zed-o1', 'zed', 'o1'),
      interaction('i-o2-zed', 'o2', 'zed'),
      interaction('i-yan-zed', 'yan', 'zed'),
    ],
    conversations: [
      { externalId: 'cv-m2', person: 'm2', text: 'I love this product', occurredAt: minutesAgo(3) },
      { externalId: 'cv-zed', person: 'zed', sentiment: 0.5, occurredAt: minutesAgo(3) },
    ],
  });
  expect(res.status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 'score-1');
});
afterAll(async () => {
  await h.close();
});

const count = async (table: string, where = sql`true`) =>
  Number((await rows<{ n: number }>(h, sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE installation_id = ${installationId} AND ${where}`))[0]!.n);
const personId = async (externalId: string) =>
  (await rows<{ id: string }>(h, sql`SELECT id FROM people WHERE installation_id = ${installationId} AND external_id = ${externalId}`))[0]?.id;
const interactionEnds = async () =>
  Object.fromEntries(
    (await rows<{ external_id: string; f: string; t: string }>(
      h,
      sql`SELECT i.external_id, pf.external_id AS f, pt.external_id AS t FROM interactions i
          JOIN people pf ON pf.id = i.from_person_id JOIN people pt ON pt.id = i.to_person_id
          WHERE i.installation_id = ${installationId}`,
    )).map((r) => [r.external_id, `${r.f}→${r.t}`]),
  );
/** A processed contact deletion that remembered the record's person (webhook-events.ts rememberDeletedLink). */
const rememberedLink = (eventId: string, person: string | undefined) =>
  h.rt.store.db.execute(sql`
    INSERT INTO webhook_events (event_id, installation_id, subscription_type, object_id, occurred_at, processed_at, payload)
    VALUES (${eventId}, ${installationId}, 'contact.deleted', '424242', now(), now(), jsonb_build_object('linkedPersonId', ${Number(person)}::bigint))`);
const rememberedPerson = async (eventId: string) =>
  (await rows<{ p: string | null }>(h, sql`SELECT payload ->> 'linkedPersonId' AS p FROM webhook_events WHERE event_id = ${eventId}`))[0]?.p ?? null;
/** Runs with an error whose message contains `text`. */
const runsMentioning = (text: string) =>
  count('runs', sql`EXISTS (SELECT 1 FROM jsonb_array_elements(errors) AS e WHERE strpos(e ->> 'message', ${text}) > 0)`);
const linkOf = async (crmId: string) => (await api('GET', `/api/v1/links/contact/${crmId}`)).body.link;

describe('POST /api/v1/people/merge', () => {
  it('refuses bad bodies (400 with paths) and merging into itself', async () => {
    const cases: [unknown, string[]][] = [
      [{}, ['into', 'from']],
      [{ into: 'm1', from: [] }, ['from']],
      [{ into: 'm1', from: 'm2' }, ['from']],
      [{ into: 7, from: ['m2', 8] }, ['into', 'from.1']],
      [{ into: 'm1', from: ['m2', 'm2'] }, ['from.1']],
      [{ into: 'm1', from: ['m1'] }, ['from.0']],
      [{ into: 'm1', from: ['m2'], also: true }, ['also']],
      [{ into: 'm1', from: ['x'.repeat(201)] }, ['from.0']],
      [[], ['']],
    ];
    for (const [body, paths] of cases) {
      const res = await api('POST', '/api/v1/people/merge', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('INVALID_MERGE');
      expect(res.body.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(paths));
    }
    expect(await personId('m2')).toBeDefined();
  });

  it('404s unknown ids, naming them, and changes nothing', async () => {
    const before = await interactionEnds();
    const res = await api('POST', '/api/v1/people/merge', { into: 'm1', from: ['m2', 'ghost'] });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('"ghost"');
    expect((await api('POST', '/api/v1/people/merge', { into: 'ghost', from: ['m2'] })).status).toBe(404);
    expect(await interactionEnds()).toEqual(before);
    expect(await personId('m2')).toBeDefined();
  });

  it('moves everything onto the survivor, drops would-be self-interactions, and keeps every other interaction', async () => {
    const before = await interactionEnds();
    const m1 = await personId('m1');
    expect(await linkOf(c.m2!)).toMatchObject({ person: 'm2', method: 'email' });
    // A deleted CRM record remembered as m3's (for a later privacy deletion from the CRM).
    await rememberedLink('evt-m3', await personId('m3'));

    const res = await api('POST', '/api/v1/people/merge', { into: 'm1', from: ['m2', 'm3'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      into: 'm1',
      merged: ['m2', 'm3'],
      interactionsDropped: 2,
      interactionsMoved: 3,
      conversationsMoved: 1,
      emailsMoved: 1,
      handlesMoved: 2,
      linksMoved: 1,
      aliases: 2,
    });
    expect(await h.rt.queues.score.getJob(res.body.scoreJobId)).toBeTruthy();

    // Interactions: all kept but the two that became m1 → m1, with their ends moved.
    const after = await interactionEnds();
    expect(Object.keys(after).length).toBe(Object.keys(before).length - 2);
    expect(after).toEqual({
      ...Object.fromEntries(Object.entries(before).filter(([id]) => id !== 'i-m2-m1' && id !== 'i-m2-m3')),
      'i-o1-m2': 'o1→m1',
      'i-m2-o1': 'm1→o1',
      'i-m3-o2': 'm1→o2',
    });
    expect(await personId('m2')).toBeUndefined();
    expect(await personId('m3')).toBeUndefined();
    expect(await count('conversations', sql`person_id = ${m1}`)).toBe(1);
    expect(await count('person_emails', sql`person_id = ${m1}`)).toBe(2);
    expect(await count('person_handles', sql`person_id = ${m1}`)).toBe(2);
    expect(await count('person_aliases', sql`person_id = ${m1}`)).toBe(2);
    expect(await linkOf(c.m2!)).toMatchObject({ person: 'm1' });
    expect(await rememberedPerson('evt-m3')).toBe(String(m1));
    const [survivor] = await rows<{ name: string | null; audience_size: string; topics: string[]; provider_scores: unknown[] }>(
      h,
      sql`SELECT name, audience_size, topics, provider_scores FROM people WHERE id = ${m1}`,
    );
    expect(survivor).toMatchObject({ name: 'Em Two', topics: ['crm', 'sales'], provider_scores: [{ provider: 'klear', score: 70 }] });
    expect(Number(survivor!.audience_size)).toBe(100); // the survivor's own audience is kept
  });

  it('data sent later under a merged id lands on the survivor; relinking and scoring follow', async () => {
    const m1 = await personId('m1');
    const res = await api('POST', '/api/v1/signals', {
      interactions: [interaction('i-late-m2', 'm2', 'o1'), interaction('i-late-o2-m3', 'o2', 'm3')],
      conversations: [{ externalId: 'cv-late-m3', person: 'm3', sentiment: 0.9, occurredAt: minutesAgo(1) }],
      scores: [{ person: 'm2', provider: 'kred', score: 40 }],
    });
    expect(res.status).toBe(202);
    const ends = await interactionEnds();
    expect(ends['i-late-m2']).toBe('m1→o1');
    expect(ends['i-late-o2-m3']).toBe('o2→m1');
    expect(await count('conversations', sql`person_id = ${m1}`)).toBe(2);
    expect(await count('people', sql`external_id IN ('m2', 'm3')`)).toBe(0);

    await scoreJob(h.rt.jobs, installationId, 'score-merge');
    expect(await linkOf(c.m1!)).toMatchObject({ person: 'm1', method: 'email' });
    expect(await linkOf(c.m2!)).toMatchObject({ person: 'm1', method: 'email' });
    const [scored] = await rows<{ metrics: { influenceScore: number } | null }>(h, sql`SELECT metrics FROM people WHERE id = ${m1}`);
    expect(scored!.metrics!.influenceScore).toBeGreaterThan(0);
  });

  it('an alias of the survivor cannot be merged into it again (400), and aliases are followed elsewhere', async () => {
    const res = await api('POST', '/api/v1/people/merge', { into: 'm1', from: ['m2'] });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'from.0', message: expect.any(String) }]);
    // An old id names the survivor: linking a contact to "m3" links it to m1.
    const link = await api('PUT', `/api/v1/links/contact/${c.m2}`, { person: 'm3' });
    expect(link.body).toMatchObject({ person: 'm1', method: 'manual' });
  });
});

/**
 * Every column that references people(id): the foreign keys, from the catalogue (so a table
 * added later cannot be missed), plus interactions' two ends, which have no foreign key
 * (bulk ingest speed) and are cascaded by statement triggers (migration 0005).
 */
async function columnsReferencingPeople(): Promise<{ tbl: string; col: string }[]> {
  const fks = await rows<{ tbl: string; col: string }>(
    h,
    sql`SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
        FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.contype = 'f' AND c.confrelid = 'people'::regclass`,
  );
  return [...fks.filter((f) => !f.tbl.endsWith('interactions')), { tbl: 'interactions', col: 'from_person_id' }, { tbl: 'interactions', col: 'to_person_id' }];
}

describe('privacy: DELETE /api/v1/people/:id', () => {
  it('erases the person and every row about them, keeping the CRM record unlinked and other people intact', async () => {
    const zed = await personId('zed');
    expect(zed).toBeDefined();
    // An alias of zed, and a run error that names zed (the conflict on yan's contact).
    await api('POST', '/api/v1/signals', { people: [{ id: 'zed-old' }] });
    expect((await api('POST', '/api/v1/people/merge', { into: 'zed', from: ['zed-old'] })).status).toBe(200);
    await scoreJob(h.rt.jobs, installationId, 'score-zed');
    const [runBefore] = await listRuns(h.rt.store.db, installationId, 'score');
    expect(runBefore!.errors.some((e) => e.message.includes('person "zed"'))).toBe(true);
    expect(await runsMentioning('person "zed"')).toBeGreaterThan(0);
    expect(await linkOf(c.zed!)).toMatchObject({ person: 'zed', method: 'email' });
    // zed is one campaign's influencer and (linked to a contact) another campaign's member.
    for (const influencer of ['zed', 'o1']) {
      const campaign = await api('POST', '/api/v1/campaigns', { name: `${influencer}'s campaign`, influencers: [influencer], attributionWindowDays: 30, readoutAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), holdoutShare: 0.5 });
      expect(campaign.status).toBe(201);
      expect((await api('POST', `/api/v1/campaigns/${campaign.body.id}/start`)).status).toBe(200);
    }
    const columns = await columnsReferencingPeople();
    expect(columns.map((x) => `${x.tbl.replace(/^.*\./, '')}.${x.col}`).sort()).toEqual([
      'campaign_effects.influencer_id',
      'campaign_influencers.person_id',
      'campaign_members.influencer_id',
      'campaign_members.person_id',
      'conversations.person_id',
      'interactions.from_person_id',
      'interactions.to_person_id',
      'person_aliases.person_id',
      'person_emails.person_id',
      'person_handles.person_id',
      'person_links.person_id',
    ]);
    // Measured effects and a member's matched influencer exist only after a measurement or a match.
    const onlyLater = new Set(['campaign_effects.influencer_id', 'campaign_members.influencer_id']);
    for (const { tbl, col } of columns.filter((x) => !onlyLater.has(`${x.tbl.replace(/^.*\./, '')}.${x.col}`))) {
      expect(Number((await rows<{ n: number }>(h, sql`SELECT count(*)::int AS n FROM ${sql.raw(tbl)} WHERE ${sql.raw(col)} = ${zed}`))[0]!.n), `${tbl}.${col}`).toBeGreaterThan(0);
    }
    const othersBefore = await count('people', sql`external_id <> 'zed'`);
    await rememberedLink('evt-zed', zed);

    const res = await api('DELETE', '/api/v1/people/zed');
    expect(res.status).toBe(204);

    for (const { tbl, col } of columns) {
      expect(Number((await rows<{ n: number }>(h, sql`SELECT count(*)::int AS n FROM ${sql.raw(tbl)} WHERE ${sql.raw(col)} = ${zed}`))[0]!.n), `${tbl}.${col}`).toBe(0);
    }
    expect(await personId('zed')).toBeUndefined();
    expect(await count('person_aliases', sql`external_id IN ('zed', 'zed-old')`)).toBe(0);
    expect(await count('person_emails', sql`email = 'zed@example.com'`)).toBe(0);
    expect(await count('person_handles', sql`handle = 'zed_x'`)).toBe(0);
    expect(await runsMentioning('person "zed"')).toBe(0);
    expect(await rememberedPerson('evt-zed')).toBeNull();
    expect(await count('webhook_events', sql`event_id = 'evt-zed'`)).toBe(1); // kept, so a re-sent event is still recognised
    expect(await count('people')).toBe(othersBefore);
    // The CRM record is the customer's: kept, no longer linked.
    expect(await count('crm_records', sql`crm_id = ${c.zed!}`)).toBe(1);
    expect(await linkOf(c.zed!)).toBeNull();
    // Later ingest under the erased ids is refused like any unknown person.
    const late = await api('POST', '/api/v1/signals', { interactions: [interaction('i-after', 'zed-old', 'o1')] });
    expect(late.status).toBe(400);
    // With zed's handle gone, yan's contact is no longer in conflict: the rescore links it.
    await scoreJob(h.rt.jobs, installationId, 'score-after-erase');
    expect(await linkOf(c.yanConflict!)).toMatchObject({ person: 'yan', method: 'email' });
    expect((await api('GET', '/api/v1/identity/conflicts')).body.count).toBe(0);
  });

  it('404s an unknown or already erased person', async () => {
    expect((await api('DELETE', '/api/v1/people/zed')).status).toBe(404);
    const res = await api('DELETE', '/api/v1/people/nobody-at-all');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('nobody-at-all') });
  });
});

describe('privacy: sway people delete', () => {
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    let code: number | undefined;
    const program = new Command('sway').exitOverride();
    registerPeopleCommands(program, {
      open: async () => ({ db: h.rt.store.db, enqueueScore: (id, trigger) => enqueue(h.rt.queues, 'score', id, trigger), close: async () => {} }),
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      exit: (n) => void (code = n),
    });
    await program.parseAsync(['node', 'sway', 'people', 'delete', ...args]);
    return { code, out, err };
  };

  it('erases a person (exit 0), then reports them unknown (exit 1)', async () => {
    expect(await personId('yan')).toBeDefined();
    const first = await run('yan', '--installation', installationId);
    expect(first.code).toBe(0);
    expect(first.out.join('\n')).toContain('deleted person "yan"');
    expect(first.out.join('\n')).toContain('1 CRM record(s) unlinked; rescoring queued');
    expect(await personId('yan')).toBeUndefined();
    expect(await count('interactions', sql`external_id = 'i-yan-zed'`)).toBe(0);

    const second = await run('yan', '--installation', installationId);
    expect(second.code).toBe(1);
    expect(second.err.join('\n')).toContain('no person "yan"');
  });

  it('refuses a malformed installation id (exit 2) and cannot reach another installation', async () => {
    expect((await run('o1', '--installation', 'not-a-uuid')).code).toBe(2);
    const other = await otherInstallation(h);
    const res = await run('o1', '--installation', other.installationId);
    expect(res.code).toBe(1);
    expect(await personId('o1')).toBeDefined();
  });
});

describe('tenant isolation', () => {
  it("another installation's key cannot merge or erase this one's people", async () => {
    const other = apiClient(h, (await otherInstallation(h)).apiKey);
    expect((await other('POST', '/api/v1/people/merge', { into: 'o1', from: ['o2'] })).status).toBe(404);
    expect((await other('DELETE', '/api/v1/people/o1')).status).toBe(404);
    expect(await personId('o1')).toBeDefined();
    expect(await personId('o2')).toBeDefined();
  });
});
