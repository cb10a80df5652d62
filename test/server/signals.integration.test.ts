import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let apiKey: string;
beforeAll(async () => {
  h = await startHarness();
  apiKey = (await h.install()).apiKey;
});
afterAll(async () => {
  await h.close();
});

const post = (body: unknown, key: string | null = apiKey, raw = false) =>
  fetch(`${h.rt.url}/api/v1/signals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: raw ? (body as string) : JSON.stringify(body),
  });

/** Rows in every table an ingest writes: the store must not change on a rejected batch. */
async function storeCounts() {
  const q = async (t: string) => Number(((await h.rt.store.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${t}`))) as { rows: { n: number }[] }).rows[0]!.n);
  return { people: await q('people'), emails: await q('person_emails'), handles: await q('person_handles'), interactions: await q('interactions') };
}

const now = new Date().toISOString();
const person = (id: string, extra: object = {}) => ({ id, name: id, emails: [`${id}@example.com`], ...extra });
const interaction = (externalId: string, from: string, to: string, extra: object = {}) => ({ externalId, from, to, kind: 'reply', occurredAt: now, ...extra });

describe('POST /api/v1/signals', () => {
  it('stores a good batch and a re-sent externalId changes nothing', async () => {
    const body = { people: [person('ana', { handles: [{ network: 'x', handle: 'ana_x' }] }), person('bo')], interactions: [interaction('i-1', 'ana', 'bo', { sentiment: 0.5, topics: ['crm'] })] };
    const first = await post(body);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ peopleUpserted: 2, interactionsStored: 1, interactionsDuplicate: 0 });
    const before = await storeCounts();
    const again = await post({ interactions: [interaction('i-1', 'bo', 'ana', { sentiment: -1 })] });
    expect(await again.json()).toMatchObject({ interactionsStored: 0, interactionsDuplicate: 1 });
    expect(await storeCounts()).toEqual(before);
    const row = await h.rt.store.db.execute(sql`SELECT sentiment FROM interactions WHERE external_id = 'i-1'`);
    expect((row as { rows: { sentiment: number }[] }).rows[0]!.sentiment).toBe(0.5);
  });

  const badBatches: [string, unknown, string[]][] = [
    ['empty batch', {}, ['']],
    ['missing required fields', { interactions: [{ externalId: 'x', from: 'ana' }] }, ['interactions.0.to', 'interactions.0.kind', 'interactions.0.occurredAt']],
    ['wrong types', { people: [{ id: 7, audienceSize: 'big' }] }, ['people.0.id', 'people.0.audienceSize']],
    ['bad email and handle network', { people: [person('cy', { emails: ['not-an-email'], handles: [{ network: 'myspace', handle: 'cy' }] })] }, ['people.0.emails.0', 'people.0.handles.0.network']],
    ['bad enum and out-of-range sentiment', { interactions: [interaction('x', 'ana', 'bo', { kind: 'poke', sentiment: 3 })] }, ['interactions.0.kind', 'interactions.0.sentiment']],
    ['date in the future', { interactions: [interaction('x', 'ana', 'bo', { occurredAt: '2099-01-01T00:00:00Z' })] }, ['interactions.0.occurredAt']],
    ['unknown key', { people: [person('dee', { nickname: 'd' })] }, ['people.0.nickname']],
    ['duplicate ids in the batch', { people: [person('eve'), person('eve')] }, ['people.1.id']],
    ['self interaction', { interactions: [interaction('x', 'ana', 'ana')] }, ['interactions.0.to']],
    ['one bad item among good ones', { people: [person('fay'), person('gus', { audienceSize: -1 })] }, ['people.1.audienceSize']],
    ['unknown person reference', { people: [person('hal')], interactions: [interaction('x', 'hal', 'nobody')] }, ['interactions.0.to']],
    ['one email given for two people', { people: [person('kim', { emails: ['x@e.com'] }), person('lee', { emails: ['X@E.com'] })] }, ['people.1.emails.0']],
    ['handle owned by another person', { people: [person('mo', { emails: [], handles: [{ network: 'x', handle: '@Ana_X' }] })] }, ['people.0.handles.0']],
    ['email owned by another person', { people: [person('ivy', { emails: ['ANA@example.com'] })] }, ['people.0.emails.0']],
  ];

  for (const [name, body, paths] of badBatches) {
    it(`rejects ${name} with 400, the paths, and stores nothing`, async () => {
      const before = await storeCounts();
      const res = await post(body);
      expect(res.status).toBe(400);
      const err = ((await res.json()) as { error: { code: string; issues: { path: string; message: string }[] } }).error;
      expect(err.code).toBe('INVALID_SIGNALS');
      for (const p of paths) expect(err.issues.map((i) => i.path)).toContain(p);
      for (const i of err.issues) expect(i.message.length).toBeGreaterThan(0);
      expect(await storeCounts()).toEqual(before);
    });
  }

  it('rejects malformed JSON (400), a missing or wrong key (401) and an oversized batch (413), storing nothing', async () => {
    const before = await storeCounts();
    expect((await post('{"people": [', apiKey, true)).status).toBe(400);
    expect((await post({ people: [person('jo')] }, null)).status).toBe(401);
    expect((await post({ people: [person('jo')] }, 'sway_00000000_wrong')).status).toBe(401);
    const big = await post({ people: Array.from({ length: 5001 }, (_, i) => ({ id: `p${i}` })) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { message: string } }).error.message).toContain('5000');
    expect(await storeCounts()).toEqual(before);
  });
});
