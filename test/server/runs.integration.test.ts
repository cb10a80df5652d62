import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionJob } from '../../src/jobs/provision.ts';
import { createApiKey } from '../../src/store/api-keys.ts';
import { saveInstallation } from '../../src/store/installations.ts';
import { startRun, finishRun } from '../../src/store/runs.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let mine: { installationId: string; apiKey: string };
let otherKey: string;
let otherRunId: string;
beforeAll(async () => {
  h = await startHarness();
  mine = await h.install();
  await provisionJob(h.rt.jobs, mine.installationId, 'p1');
  // A second tenant (another HubSpot account) with a run of its own.
  const db = h.rt.store.db;
  const { installation } = await saveInstallation(db, h.rt.config.encryptionKey, 'hubspot', { accountId: '999', accountDomain: null, scopes: [] }, {
    accessToken: 'other-access', refreshToken: 'other-refresh', expiresAt: new Date(Date.now() + 1800_000),
  });
  otherKey = await createApiKey(db, installation.id);
  otherRunId = await startRun(db, installation.id, 'push', 'x');
  await finishRun(db, otherRunId, { status: 'failed', errors: [{ recordId: '1', message: 'secret-tenant-detail' }] });
});
afterAll(async () => {
  await h.close();
});

const get = (path: string, key: string) => fetch(`${h.rt.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

describe('run history API', () => {
  it('lists the caller\'s runs with counts and duration', async () => {
    const res = await get('/api/v1/runs', mine.apiKey);
    expect(res.status).toBe(200);
    const { runs } = (await res.json()) as { runs: { id: string; kind: string; status: string; counts: Record<string, number>; durationMs: number }[] };
    expect(runs.map((r) => r.kind)).toEqual(['provision']);
    expect(runs[0]!.status).toBe('succeeded');
    expect(runs[0]!.counts.created).toBeGreaterThan(0);
    expect(runs[0]!.durationMs).toBeGreaterThanOrEqual(0);
    const one = await get(`/api/v1/runs/${runs[0]!.id}`, mine.apiKey);
    expect(one.status).toBe(200);
    expect(((await one.json()) as { errors: unknown[] }).errors).toEqual([]);
  });

  it('never shows one tenant\'s runs to another tenant\'s key', async () => {
    const list = (await (await get('/api/v1/runs', mine.apiKey)).json()) as { runs: { id: string }[] };
    expect(list.runs.map((r) => r.id)).not.toContain(otherRunId);
    const res = await get(`/api/v1/runs/${otherRunId}`, mine.apiKey);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('secret-tenant-detail');
    const theirs = await get(`/api/v1/runs/${otherRunId}`, otherKey);
    expect(theirs.status).toBe(200);
  });

  it('rejects bad query parameters with paths, and unauthenticated calls', async () => {
    const res = await get('/api/v1/runs?limit=0&kind=nope', mine.apiKey);
    expect(res.status).toBe(400);
    const paths = ((await res.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['query.limit', 'query.kind']));
    expect((await fetch(`${h.rt.url}/api/v1/runs`)).status).toBe(401);
  });

  it('keeps a daily success-rate figure per installation', async () => {
    const res = await get('/api/v1/stats/daily', mine.apiKey);
    const { days } = (await res.json()) as { days: { day: string; requests: number; errors: number; successRate: number }[] };
    expect(days).toHaveLength(1);
    expect(days[0]!.day).toBe(new Date().toISOString().slice(0, 10));
    // Provisioning made 2 reads + 1 group + 12 property creates, all successful.
    expect(days[0]!.requests).toBeGreaterThanOrEqual(15);
    expect(days[0]!.successRate).toBe(1);
    const other = (await (await get('/api/v1/stats/daily', otherKey)).json()) as { days: unknown[] };
    expect(other.days).toEqual([]);
  });

  it('filters by kind=import (sway import runs), as the README documents', async () => {
    const runId = await startRun(h.rt.store.db, mine.installationId, 'import');
    await finishRun(h.rt.store.db, runId, { status: 'succeeded', counts: { rows: 3 } });
    const res = await get('/api/v1/runs?kind=import', mine.apiKey);
    expect(res.status).toBe(200);
    const { runs } = (await res.json()) as { runs: { id: string; kind: string }[] };
    expect(runs).toEqual([expect.objectContaining({ id: runId, kind: 'import' })]);
  });
});
