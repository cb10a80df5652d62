/**
 * After a large import the tables a match run reads are ANALYZEd (issue 11: with the planner's
 * statistics still describing empty tables, the match run's contacts query took a quadratic
 * plan, 36–58 s for 7,000 people). PostgreSQL only: PGlite keeps no per-table statistics views.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import { importFile } from '../../src/import/run-import.ts';
import { openStore, type Store } from '../../src/store/db.ts';
import { ANALYZE_AFTER_ROWS } from '../../src/store/graph-load.ts';
import { saveInstallation } from '../../src/store/installations.ts';
import { dropSchema, TEST_DATABASE_URL, testConfig } from '../helpers/harness.ts';

let dir: string;
let config: Config;
let store: Store;
let installationId: string;

beforeAll(async () => {
  if (!TEST_DATABASE_URL) return;
  dir = mkdtempSync(join(tmpdir(), 'sway-analyze-'));
  config = testConfig(null);
  store = await openStore(config);
  ({ installation: { id: installationId } } = await saveInstallation(store.db, randomBytes(32), 'hubspot', { accountId: `acc-${randomBytes(4).toString('hex')}`, accountDomain: null, scopes: [] }, {
    accessToken: 'a', refreshToken: 'r', expiresAt: new Date(Date.now() + 3600_000),
  }));
});
afterAll(async () => {
  await store?.close();
  if (config?.store.kind === 'pg') await dropSchema(config.store.url, config.store.schema);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** When each table was last analyzed by hand (ANALYZE), in this test's schema. */
async function lastAnalyze(): Promise<Map<string, string | null>> {
  const r = (await store.db.execute(sql`SELECT relname, last_analyze::text AS at FROM pg_stat_user_tables WHERE schemaname = current_schema()`)) as unknown as { rows: { relname: string; at: string | null }[] };
  return new Map(r.rows.map((x) => [x.relname, x.at]));
}

describe.skipIf(!TEST_DATABASE_URL)('ANALYZE after a large import', () => {
  it('a small import analyzes nothing; one of at least ANALYZE_AFTER_ROWS rows analyzes the tables a match run reads', async () => {
    const at = new Date(Date.now() - 86_400_000).toISOString();
    const small = join(dir, 'small.ndjson');
    writeFileSync(small, `${JSON.stringify({ type: 'person', id: 'p0' })}\n`);
    await importFile(store.db, installationId, small);
    expect((await lastAnalyze()).get('interactions') ?? null).toBeNull();

    const big = join(dir, 'big.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < 100; i++) lines.push(JSON.stringify({ type: 'person', id: `p${i}` }));
    for (let i = 0; i < ANALYZE_AFTER_ROWS; i++) lines.push(JSON.stringify({ type: 'interaction', from: `p${i % 100}`, to: `p${(i * 7 + 1) % 100}`, kind: 'follow', occurredAt: at }));
    lines.push(JSON.stringify({ type: 'conversation', person: 'p1', topics: ['crm'], sentiment: 0.5, occurredAt: at }));
    writeFileSync(big, `${lines.join('\n')}\n`);
    const summary = await importFile(store.db, installationId, big);
    expect(summary.loaded).toBeGreaterThanOrEqual(ANALYZE_AFTER_ROWS);
    const analyzed = await lastAnalyze();
    for (const table of ['people', 'person_links', 'crm_records', 'crm_deals', 'interactions', 'conversations']) expect(analyzed.get(table), table).not.toBeNull();
  });
});
