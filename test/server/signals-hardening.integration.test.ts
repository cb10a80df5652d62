/**
 * Issue 10, items 1-4 at the HTTP edge of POST /api/v1/signals: the key is checked before the
 * body is read; deep bodies are refused by path; lone surrogates and over-long strings are 400s
 * with nothing stored; the scores list keeps the per-person provider limit; batches over 5,000
 * items in any of the four lists are 413s. Nothing here depends on time: ordering is shown by a
 * 401 arriving while its request body is still unsent.
 */
import http from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SIGNALS_PER_BATCH } from '../../src/domain/signals.ts';
import { MAX_JSON_DEPTH } from '../../src/server/json-depth.ts';
import { rows } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let apiKey: string;
let installationId: string;
beforeAll(async () => {
  h = await startHarness();
  ({ apiKey, installationId } = await h.install());
});
afterAll(async () => {
  await h.close();
});

const post = (body: unknown, key: string | null = apiKey) =>
  fetch(`${h.rt.url}/api/v1/signals`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function counts() {
  const [r] = await rows<{ people: number; emails: number; interactions: number; conversations: number; scores: number }>(
    h,
    sql`SELECT (SELECT count(*) FROM people WHERE installation_id = ${installationId})::int AS people,
      (SELECT count(*) FROM person_emails WHERE installation_id = ${installationId})::int AS emails,
      (SELECT count(*) FROM interactions WHERE installation_id = ${installationId})::int AS interactions,
      (SELECT count(*) FROM conversations WHERE installation_id = ${installationId})::int AS conversations,
      (SELECT coalesce(sum(jsonb_array_length(provider_scores)), 0) FROM people WHERE installation_id = ${installationId})::int AS scores`,
  );
  return r!;
}

/**
 * Starts a POST whose body is never finished (a 4 MB content-length, 64 kB sent): resolves with
 * the answer the server gives while the body is still incomplete. The request is destroyed after.
 */
function answerWhileUploading(headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const url = new URL(`${h.rt.url}/api/v1/signals`);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(4 * 1024 * 1024), ...headers } });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write('['.repeat(64 * 1024)); // deep, and unfinished
  });
}

describe('the API key comes before the body', () => {
  it('answers 401 (with WWW-Authenticate) to keyless and bad-key requests whose bodies were never sent, and /healthz meanwhile', async () => {
    const pending = [answerWhileUploading({}), answerWhileUploading({}), answerWhileUploading({ authorization: 'Bearer sway_0_wrong' })];
    const answers = await Promise.all(pending);
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.headers['www-authenticate']).toMatch(/^Bearer realm="sway"/);
      expect(JSON.parse(a.body).error.code).toBe('UNAUTHENTICATED');
    }
    expect(answers[2]!.headers['www-authenticate']).toContain('error="invalid_token"');
    const health = await fetch(`${h.rt.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('refuses a deep body with a key by the path where it got too deep, before parsing it', async () => {
    const before = await counts();
    const deep = `{"people":[{"id":"deep","name":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}]}`;
    const res = await post(deep);
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('TOO_DEEP');
    expect(error.issues).toEqual([{ path: `people.0.name${'.0'.repeat(MAX_JSON_DEPTH - 3)}`, message: `Nested more than ${MAX_JSON_DEPTH} levels deep` }]);
    // Brackets inside strings are text, not nesting.
    const ok = await post({ people: [{ id: 'brackets', name: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{{{{{{{{' }] });
    expect(ok.status).toBe(202);
    expect((await counts()).people).toBe(before.people + 1);
  });
});

describe('strings at the schema', () => {
  it('refuses lone surrogates in person ids (with an email or handle), provider names and interactions, storing nothing', async () => {
    const seed = await post({ people: [{ id: 'sur-a', emails: ['sur-a@example.com'] }, { id: 'sur-b' }] });
    expect(seed.status).toBe(202);
    const before = await counts();
    const at = new Date(Date.now() - 60_000).toISOString();
    const cases: [unknown, string][] = [
      [{ people: [{ id: 'x\ud800', emails: ['x1@example.com'] }] }, 'people.0.id'],
      [{ people: [{ id: '\udfff', handles: [{ network: 'x', handle: 'lone' }] }] }, 'people.0.id'],
      [{ people: [{ id: 'ok-1', providerScores: [{ provider: 'k\ud800', score: 1 }] }] }, 'people.0.providerScores.0.provider'],
      [{ scores: [{ person: 'sur-a', provider: '\ud800', score: 1 }] }, 'scores.0.provider'],
      [{ interactions: [{ externalId: 'lone-1', from: 'sur-a', to: 'sur-b\ud800', kind: 'reply', occurredAt: at }] }, 'interactions.0.to'],
      [{ conversations: [{ externalId: 'lone-c', person: 'sur-a', text: 'great \udc00', occurredAt: at }] }, 'conversations.0.text'],
    ];
    for (const [body, path] of cases) {
      const res = await post(body);
      expect(res.status, path).toBe(400);
      expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toEqual([path]);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses an email with a 3,000-character local part with a 400, not a 500', async () => {
    const before = await counts();
    const res = await post({ people: [{ id: 'long-mail', emails: [`${'a'.repeat(3000)}@example.com`] }] });
    expect(res.status).toBe(400);
    expect((await res.json()).error.issues[0].path).toBe('people.0.emails.0');
    expect(await counts()).toEqual(before);
  });
});

describe('batch size', () => {
  it('answers 413 for more than 5,000 items in any list, counting all four', async () => {
    const at = new Date(Date.now() - 60_000).toISOString();
    const over = MAX_SIGNALS_PER_BATCH + 1;
    const conv = Array.from({ length: over }, (_, i) => ({ externalId: `c${i}`, person: 'sur-a', sentiment: 0, occurredAt: at }));
    const scores = Array.from({ length: over }, (_, i) => ({ person: 'sur-a', provider: `p${i % 5}`, score: 1 }));
    const mixed = { people: [{ id: 'm' }], interactions: [], conversations: conv.slice(0, 2_500), scores: scores.slice(0, 2_500) };
    for (const body of [{ conversations: conv }, { scores }, mixed]) {
      const res = await post(body);
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe('BATCH_TOO_LARGE');
    }
  });
});

describe('the scores list', () => {
  const providersOf = async (id: string) =>
    (await rows<{ ps: { provider: string; score: number }[] }>(h, sql`SELECT provider_scores AS ps FROM people WHERE installation_id = ${installationId} AND external_id = ${id}`))[0]!.ps;

  it('keeps the per-person provider limit within one big batch, storing nothing when it is exceeded', async () => {
    expect((await post({ people: [{ id: 'scored', providerScores: [{ provider: 'klear', score: 10 }] }] })).status).toBe(202);
    const before = await counts();
    const many = Array.from({ length: 5_000 }, (_, i) => ({ person: 'scored', provider: `prov-${i}`, score: i % 100 }));
    const res = await post({ scores: many });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    // klear plus prov-0..prov-18 make 20; every later provider is one too many.
    expect(error.issues[0].path).toBe('scores.19.provider');
    expect(error.issues).toHaveLength(5_000 - 19);
    expect(await counts()).toEqual(before);
    expect(await providersOf('scored')).toEqual([{ provider: 'klear', score: 10, min: 0, max: 100 }]);
  });

  it('applies 5,000 scores over 20 providers (last one wins, each person ≤ 20)', async () => {
    const many = Array.from({ length: 5_000 }, (_, i) => ({ person: 'scored', provider: `prov-${i % 19}`, score: i % 100 }));
    const res = await post({ scores: many });
    expect(res.status).toBe(202);
    expect((await res.json()).scoresStored).toBe(5_000);
    const ps = await providersOf('scored');
    expect(ps).toHaveLength(20);
    expect(ps.find((s) => s.provider === 'prov-0')!.score).toBe(97); // the last i with i % 19 = 0 is 4,997
  });

  it('keeps the limit across batches and together with people[].providerScores', async () => {
    // 20 providers from the person itself; a score for a 21st in a later batch is refused.
    const twenty = Array.from({ length: 20 }, (_, i) => ({ provider: `own-${i}`, score: 50 }));
    expect((await post({ people: [{ id: 'full', providerScores: twenty }] })).status).toBe(202);
    const res = await post({ scores: [{ person: 'full', provider: 'own-3', score: 1 }, { person: 'full', provider: 'extra', score: 1 }] });
    expect(res.status).toBe(400);
    expect((await res.json()).error.issues.map((i: { path: string }) => i.path)).toEqual(['scores.1.provider']);
    // In one batch: the person's own list replaces the stored one, then scores apply on top.
    const mixed = await post({ people: [{ id: 'full', providerScores: twenty.slice(0, 19) }], scores: [{ person: 'full', provider: 'extra', score: 1 }] });
    expect(mixed.status).toBe(202);
    expect((await providersOf('full')).map((s) => s.provider)).toEqual([...twenty.slice(0, 19).map((s) => s.provider), 'extra']);
  });
});
