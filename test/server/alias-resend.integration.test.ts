import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, rows } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let api: ReturnType<typeof apiClient>;
beforeAll(async () => {
  h = await startHarness();
  api = apiClient(h, (await h.install()).apiKey);
});
afterAll(async () => {
  await h.close();
});

describe('data sent under a merged-away id', () => {
  it('re-sending a person under the old id updates the survivor instead of creating a new person', async () => {
    expect((await api('POST', '/api/v1/signals', { people: [{ id: 'ana', emails: ['ana@example.com'] }, { id: 'bo', emails: ['bo@example.com'] }] })).status).toBe(202);
    expect((await api('POST', '/api/v1/people/merge', { into: 'ana', from: ['bo'] })).status).toBe(200);
    const count = async () => Number((await rows<{ n: number }>(h, sql`SELECT count(*)::int AS n FROM people`))[0]!.n);
    expect(await count()).toBe(1);
    const res = await api('POST', '/api/v1/signals', { people: [{ id: 'bo', emails: ['bo@example.com'], audienceSize: 42 }] });
    expect(res.status).toBe(202);
    expect(await count()).toBe(1);
    const [ana] = await rows<{ audience_size: number }>(h, sql`SELECT audience_size FROM people WHERE external_id = 'ana'`);
    expect(Number(ana!.audience_size)).toBe(42);
    // Both ids in one batch are one person now: the second is reported, nothing stored.
    const both = await api('POST', '/api/v1/signals', { people: [{ id: 'ana' }, { id: 'bo' }] });
    expect(both.status).toBe(400);
    expect(both.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['people.1.id']);
  });
});
