/**
 * Person ids cached between ingest batches never outlive an erasure or a merge: the API's
 * cache has learnt a person's id, the person is erased (or merged), and the next batch naming
 * them is refused (or lands on the survivor) — no row refers to a person who is gone. On
 * PostgreSQL, an erasure also waits for an ingest transaction in flight and then erases its rows.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonIdCache, PersonIdCaches, lockPeopleEpoch } from '../../src/store/person-id-cache.ts';
import { purgePerson } from '../../src/store/privacy.ts';
import { apiClient, rows } from '../helpers/api.ts';
import { startHarness, TEST_DATABASE_URL, type Harness } from '../helpers/harness.ts';
import { waitUntil } from '../helpers/wait.ts';

let h: Harness;
let installationId: string;
let api: ReturnType<typeof apiClient>;
const at = () => new Date(Date.now() - 60_000).toISOString();
const reply = (externalId: string, from: string, to: string) => ({ externalId, from, to, kind: 'reply', occurredAt: at() });

beforeAll(async () => {
  h = await startHarness();
  const installed = await h.install();
  installationId = installed.installationId;
  api = apiClient(h, installed.apiKey);
  const res = await api('POST', '/api/v1/signals', { people: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id })) });
  expect(res.status).toBe(202);
});
afterAll(() => h?.close());

const orphans = () =>
  rows<{ n: number }>(
    h,
    sql`SELECT count(*)::int AS n FROM interactions i WHERE i.installation_id = ${installationId}
        AND NOT EXISTS (SELECT 1 FROM people p WHERE p.id = i.from_person_id)
         OR i.installation_id = ${installationId} AND NOT EXISTS (SELECT 1 FROM people p WHERE p.id = i.to_person_id)`,
  ).then((r) => r[0]!.n);

describe('person ids cached by the API', () => {
  it('an erased person is unknown to the next batch, though the cache had their id', async () => {
    // Teach the server's cache b's id (a batch naming b without defining b).
    expect((await api('POST', '/api/v1/signals', { interactions: [reply('x1', 'a', 'b')] })).status).toBe(202);
    expect((await api('DELETE', '/api/v1/people/b')).status).toBe(204);
    const res = await api('POST', '/api/v1/signals', { interactions: [reply('x2', 'a', 'b')] });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'interactions.0.to', message: expect.stringContaining('unknown person "b"') }]);
    expect(await orphans()).toBe(0);
  });

  it('a merged person resolves to the survivor, though the cache had their old id', async () => {
    expect((await api('POST', '/api/v1/signals', { interactions: [reply('y1', 'c', 'd')] })).status).toBe(202);
    expect((await api('POST', '/api/v1/people/merge', { into: 'e', from: ['d'] })).status).toBe(200);
    expect((await api('POST', '/api/v1/signals', { interactions: [reply('y2', 'c', 'd')] })).status).toBe(202);
    const [row] = await rows<{ to: string }>(
      h,
      sql`SELECT p.external_id AS to FROM interactions i JOIN people p ON p.id = i.to_person_id WHERE i.installation_id = ${installationId} AND i.external_id = 'y2'`,
    );
    expect(row?.to).toBe('e');
    expect(await orphans()).toBe(0);
  });

  // PGlite runs one transaction at a time: nothing can overlap there.
  it.runIf(TEST_DATABASE_URL)('an erasure waits for an ingest transaction in flight, then erases its rows too (PostgreSQL)', async () => {
    const db = h.rt.store.db;
    const [f] = await rows<{ id: string }>(h, sql`SELECT id::text AS id FROM people WHERE installation_id = ${installationId} AND external_id = 'f'`);
    const [a] = await rows<{ id: string }>(h, sql`SELECT id::text AS id FROM people WHERE installation_id = ${installationId} AND external_id = 'a'`);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let locked!: (pid: number) => void;
    const holding = new Promise<number>((r) => (locked = r));
    // An ingest transaction that has read the epoch (and so resolved f) but not yet committed.
    const ingest = db.transaction(async (tx) => {
      await lockPeopleEpoch(tx, installationId);
      locked(((await tx.execute(sql`SELECT pg_backend_pid() AS pid`)) as unknown as { rows: { pid: number }[] }).rows[0]!.pid);
      await gate;
      await tx.execute(sql`INSERT INTO interactions (installation_id, external_id, from_person_id, to_person_id, kind, occurred_at)
        VALUES (${installationId}, 'z1', ${Number(a!.id)}, ${Number(f!.id)}, 'reply', now())`);
    });
    const ingestPid = await holding;
    let purged = false;
    const purge = purgePerson(db, installationId, Number(f!.id)).then((r) => {
      purged = true;
      return r;
    });
    // The erasure's query is blocked by the ingest's backend (a condition, not a sleep).
    await waitUntil(
      async () => (await rows<{ n: number }>(h, sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${ingestPid}::int = ANY(pg_blocking_pids(pid))`))[0]!.n > 0,
      'the erasure to wait for the ingest lock',
    );
    expect(purged).toBe(false);
    release();
    await ingest;
    expect((await purge).personDeleted).toBe(true);
    const left = await rows<{ n: number }>(h, sql`SELECT count(*)::int AS n FROM interactions WHERE installation_id = ${installationId} AND external_id = 'z1'`);
    expect(left[0]!.n).toBe(0);
  });
});

describe('PersonIdCache', () => {
  it('forgets everything when the epoch moves, and ignores what was learnt at an older epoch', () => {
    const cache = new PersonIdCache();
    cache.sync(1);
    cache.learn(1, new Map([['p', 10]]));
    expect(cache.get('p')).toBe(10);
    cache.sync(1);
    expect(cache.get('p')).toBe(10);
    cache.sync(2);
    expect(cache.get('p')).toBeUndefined();
    cache.learn(1, new Map([['q', 11]])); // a batch that committed before the erasure
    expect(cache.get('q')).toBeUndefined();
  });

  it('starts over rather than growing past its bound', () => {
    const cache = new PersonIdCache(3);
    cache.sync(0);
    cache.learn(0, new Map([['a', 1], ['b', 2]]));
    cache.learn(0, new Map([['c', 3], ['d', 4]]));
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('d')).toBe(4);
  });

  it('keeps caches for the most recently used installations only', () => {
    const caches = new PersonIdCaches(2);
    const one = caches.for('one');
    const two = caches.for('two');
    expect(caches.for('one')).toBe(one);
    caches.for('three'); // drops "two", the least recently used
    expect(caches.for('one')).toBe(one);
    expect(caches.for('two')).not.toBe(two);
  });
});
