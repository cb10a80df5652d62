/**
 * eval:realdata's pipeline on a small synthetic kit: HubSpot sandbox contacts, the OAuth
 * install, `sway import` and `sway matches --export csv` as child processes, the queue's
 * score → match → push (eval/realdata/sway-run.ts), on PGlite or on DATABASE_URL like the suite.
 * And the command's one-line error for a missing data directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runSwayOnKit } from '../../eval/realdata/sway-run.ts';
import { syntheticKit } from './realdata-synthetic-kit.ts';

const tmp = mkdtempSync(join(tmpdir(), 'sway-realdata-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('eval:realdata pipeline', () => {
  it('imports the kit, lets the jobs match every prospect with up to 10 kit people, and exports them', { timeout: 600_000 }, async () => {
    const { kit } = syntheticKit(120, 5);
    const env = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, LOG_LEVEL: 'silent' };
    const r = await runSwayOnKit(kit, { dir: tmp, topK: 10, personTopics: 3, env, progress: () => {}, jobTimeoutMs: 480_000 });
    expect(r.failedRuns).toEqual([]);
    expect(r.store).toBe(process.env.DATABASE_URL ? 'pg' : 'pglite');
    expect(r.file).toMatchObject({ people: kit.inDegree.size, interactions: kit.truster.length, conversations: kit.reviews.user.length });
    const prospects = new Set(kit.prospects.map((p) => p.user));
    // Every contact was linked to its person by email and matched.
    expect(r.contactsLinked).toBe(prospects.size);
    expect(r.prospectsMatched).toBe(prospects.size);
    const perProspect = new Map<number, number[]>();
    for (const row of r.rows) {
      expect(prospects.has(row.prospect)).toBe(true);
      expect(kit.inDegree.has(row.influencer)).toBe(true);
      expect(row.influencer).not.toBe(row.prospect);
      perProspect.set(row.prospect, [...(perProspect.get(row.prospect) ?? []), row.rank]);
    }
    // topK = 10 took effect (the default is 3), and ranks run 1..n.
    expect(Math.max(...[...perProspect.values()].map((ranks) => ranks.length))).toBe(10);
    for (const ranks of perProspect.values()) expect(ranks.slice().sort((a, b) => a - b)).toEqual(ranks.map((_, i) => i + 1));
    expect(r.timings.matchSeconds).toBeGreaterThan(0);
    expect(r.timings.importSeconds).toBeGreaterThan(0);
    // Nothing is left behind: no queue keys, no schema.
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      expect(await redis.keys(`${r.queuePrefix}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
    if (process.env.DATABASE_URL) {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      try {
        expect((await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [r.schema])).rowCount).toBe(0);
      } finally {
        await client.end();
      }
    }
  });

  it('says in one line that the data directory is missing, and exits 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'eval/realdata.ts', '--data', join(tmp, 'nowhere')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let code: number | null;
    try {
      code = await exited;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); // the test gave up first
    }
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('•'));
    expect(lines).toEqual([`eval:realdata: no data directory ${join(tmp, 'nowhere')} (give --data DIR: the Epinions kit's data/, see ../shared/realdata/epinions/README.md)`]);
  });
});
