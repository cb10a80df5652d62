/**
 * Interactions written by binary COPY read back exactly as sent (awkward text, empty and
 * many topics, NULL sentiment, instants before 2000 and with milliseconds, ids past 2^32), and
 * the duplicate path stores only what is new.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { copyRows } from '../../src/store/bulk.ts';
import { encodeInteractions, ROW_ENDS, type InteractionRow } from '../../src/store/copy-binary.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { saveInstallation } from '../../src/store/installations.ts';
import { dropSchema, testConfig } from '../helpers/harness.ts';

let config: Config;
let store: Store;
let inst: string;

beforeAll(async () => {
  config = testConfig(null);
  store = await openStore(config);
  ({ installation: { id: inst } } = await saveInstallation(store.db, randomBytes(32), 'hubspot', { accountId: `acc-${randomBytes(4).toString('hex')}`, accountDomain: null, scopes: [] }, {
    accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000),
  }));
});
afterAll(async () => {
  await store.close();
  if (config.store.kind === 'pg') await dropSchema(config.store.url, config.store.schema);
});

const rows: InteractionRow[] = [
  { externalId: 'plain', fromPersonId: 1, toPersonId: 2, kind: 'reply', topics: ['crm'], sentiment: 0.25, occurredAt: '2026-03-04T05:06:07.891Z' },
  { externalId: 'quotes "and", commas\\ \t tabs\nnewline', fromPersonId: 2 ** 40 + 3, toPersonId: 7, kind: 'mention', topics: [], sentiment: null, occurredAt: '1999-12-31T23:59:59.999Z' },
  { externalId: 'ünïcødé 😀 日本', fromPersonId: 9, toPersonId: 2 ** 33, kind: 'share', topics: ['a "b"', 'c,d', '{e}', 'NULL', 'ß😀'], sentiment: -1, occurredAt: '1970-01-01T00:00:00.000Z' },
  { externalId: 'x'.repeat(200), fromPersonId: 3, toPersonId: 4, kind: 'follow', topics: Array.from({ length: 50 }, (_, i) => `t${i}`), sentiment: 1, occurredAt: '2026-11-28T00:00:00.000Z' },
];

async function stored(ids: string[]) {
  const r = await store.db.execute(sql`
    SELECT external_id, from_person_id::text AS "from", to_person_id::text AS "to", kind, topics, sentiment,
           to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
    FROM interactions WHERE installation_id = ${inst}`);
  const all = (r as unknown as { rows?: Record<string, unknown>[] }).rows ?? (r as unknown as Record<string, unknown>[]);
  return all.filter((x) => ids.includes(x.external_id as string));
}

describe('binary COPY of interactions', () => {
  it('stores every field as sent', async () => {
    const n = await store.db.transaction((tx) => copyRows(tx, inst, rows, ROW_ENDS));
    expect(n).toBe(rows.length);
    const back = await stored(rows.map((r) => r.externalId));
    const expected = [...rows]
      .sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0))
      .map((r) => ({ external_id: r.externalId, from: String(r.fromPersonId), to: String(r.toPersonId), kind: r.kind, topics: [...(r.topics ?? [])], sentiment: r.sentiment, at: r.occurredAt }));
    // PostgreSQL orders text by collation; compare as sets keyed by id.
    const byId = (xs: Record<string, unknown>[]) => Object.fromEntries(xs.map((x) => [x.external_id, x]));
    expect(byId(back)).toEqual(byId(expected));
  });

  it('stores only the new rows when some are already there, and counts them', async () => {
    const again = [...rows.slice(0, 2), { ...rows[0]!, externalId: 'fresh-1' }, { ...rows[2]!, externalId: 'fresh-2' }];
    const n = await store.db.transaction((tx) => copyRows(tx, inst, again, ROW_ENDS));
    expect(n).toBe(2);
    expect((await stored(['fresh-1', 'fresh-2'])).map((r) => r.external_id).sort()).toEqual(['fresh-1', 'fresh-2']);
    // The whole set once more: nothing new, nothing changed.
    expect(await store.db.transaction((tx) => copyRows(tx, inst, again, ROW_ENDS))).toBe(0);
  });

  it('refuses a row whose time does not parse before sending anything', () => {
    expect(() => encodeInteractions(inst, [{ ...rows[0]!, occurredAt: 'yesterday' }], ROW_ENDS)).toThrow(/not a date/);
    expect(() => encodeInteractions('not-a-uuid', rows, ROW_ENDS)).toThrow(/not a UUID/);
  });
});
