import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullMatchRun, scoreProspects } from '../../src/jobs/match-run.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { apiClient, otherInstallation, rows } from '../helpers/api.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let apiKey: string;
let danaId: string;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/**
 * A small market: Dana (a lead) talks with Sam (a customer in her industry) often; Hub is the
 * loudest voice on crm, endorsed by many; Dana liked one of Hub's posts long ago.
 */
beforeAll(async () => {
  h = await startHarness();
  [danaId] = h.sandbox.seedContacts([
    { email: 'dana@example.com', firstname: 'Dana', lifecyclestage: 'lead', industry: 'Software', country: 'Germany' },
    { email: 'sam@example.com', firstname: 'Sam', lifecyclestage: 'customer', industry: 'software', country: 'Germany' },
    ...Array.from({ length: 12 }, (_, i) => ({ email: `fan${i}@example.com`, lifecyclestage: 'subscriber' })),
  ]) as [string];
  ({ installationId, apiKey } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullJob(h.rt.jobs, installationId, 'p');
  const people = [
    { id: 'dana', name: 'Dana', emails: ['dana@example.com'], audienceSize: 300 },
    { id: 'sam', name: 'Sam', emails: ['sam@example.com'], audienceSize: 900 },
    { id: 'hub', name: 'Hub', audienceSize: 2_000_000 },
    ...Array.from({ length: 12 }, (_, i) => ({ id: `fan${i}`, emails: [`fan${i}@example.com`], audienceSize: 50 })),
  ];
  const interactions = [
    ...[1, 2, 3].map((d) => ({ externalId: `r${d}`, from: 'dana', to: 'sam', kind: 'reply', topics: ['crm'], occurredAt: ago(d) })),
    ...[4, 5].map((d) => ({ externalId: `s${d}`, from: 'dana', to: 'sam', kind: 'share', topics: ['crm'], occurredAt: ago(d) })),
    ...Array.from({ length: 12 }, (_, i) => ({ externalId: `f${i}`, from: `fan${i}`, to: 'hub', kind: 'share', topics: ['crm'], occurredAt: ago(10) })),
    { externalId: 'old-like', from: 'dana', to: 'hub', kind: 'like', topics: ['crm'], occurredAt: ago(300) },
  ];
  const res = await apiClient(h, apiKey)('POST', '/api/v1/signals', { people, interactions });
  expect(res.status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, 's');
});
afterAll(async () => {
  await h.close();
});

const danaMatches = async () => (await apiClient(h, apiKey)('GET', `/api/v1/prospects/${danaId}/matches`)).body;

describe('match runs', () => {
  it('a full run stores top influencers per prospect with components and a reason', async () => {
    const r = await fullMatchRun(h.rt.store.db, installationId);
    expect(r).toMatchObject({ mode: 'full', people: 15, interactions: 18, prospects: 14, scored: 14 });
    expect(r.kernelEdgesPerSecond).toBeGreaterThan(0);
    const body = await danaMatches();
    expect(body).toMatchObject({ crmId: danaId, linked: true, person: 'dana', stage: 'awareness' });
    expect(body.matches).toHaveLength(3);
    // Awareness: the topical voice with reach leads.
    expect(body.matches[0].influencer).toMatchObject({ id: 'hub', name: 'Hub', audienceSize: 2_000_000 });
    expect(body.matches[0].reason).toMatch(/^Awareness stage: .*a leading voice on crm/);
    expect(Object.keys(body.matches[0].components).sort()).toEqual(['advocacy', 'authority', 'effectiveness', 'reach', 'similarity', 'tie', 'twoHop']);
    const sum = Object.values(body.matches[0].components as Record<string, { contribution: number }>).reduce((s, c) => s + c.contribution, 0);
    expect(sum).toBeCloseTo(body.matches[0].score, 3);
    expect(body.matches.map((m: { rank: number }) => m.rank)).toEqual([1, 2, 3]);
  });

  it('when the stage changes, an incremental run rescored only that prospect and the close customer leads', async () => {
    h.sandbox.updateContact(danaId, { lifecyclestage: 'opportunity' });
    await pullJob(h.rt.jobs, installationId, 'p2');
    const r = await scoreProspects(h.rt.store.db, installationId, { changed: true });
    expect(r).toMatchObject({ mode: 'incremental', dirty: 1, scored: 1 });
    const body = await danaMatches();
    expect(body.stage).toBe('decision');
    expect(body.matches[0].influencer.id).toBe('sam');
    expect(body.matches[0].reason).toMatch(/^Decision stage: Dana replied to Sam 3× and shared Sam's posts 2×, last (yesterday|today|\d+ days ago)/);
    expect(body.matches[0].reason).toContain('same industry and region as Dana');
    expect(body.matches[0].components.tie.contribution).toBeGreaterThan(body.matches[0].components.reach.contribution);
  });

  it('an incremental run gives the same matches as a full run', async () => {
    const incremental = await rows<{ person_id: string; rank: number; influencer_id: string; score: number; reason: string }>(
      h,
      sql`SELECT person_id, rank, influencer_id, score, reason FROM matches WHERE installation_id = ${installationId} ORDER BY person_id, rank`,
    );
    await fullMatchRun(h.rt.store.db, installationId);
    const full = await rows(h, sql`SELECT person_id, rank, influencer_id, score, reason FROM matches WHERE installation_id = ${installationId} ORDER BY person_id, rank`);
    expect(full).toEqual(incremental);
  });

  it('nothing changed: an incremental run scores nobody', async () => {
    const r = await scoreProspects(h.rt.store.db, installationId, { changed: true });
    expect(r).toMatchObject({ dirty: 0, scored: 0, matchesWritten: 0 });
    expect((await danaMatches()).matches).toHaveLength(3);
  });

  it('new interactions make their prospects changed', async () => {
    const res = await apiClient(h, apiKey)('POST', '/api/v1/signals', {
      interactions: [{ externalId: 'new-1', from: 'fan3', to: 'dana', kind: 'mention', topics: ['crm'], occurredAt: ago(0.5) }],
    });
    expect(res.status).toBe(202);
    const r = await scoreProspects(h.rt.store.db, installationId, { changed: true });
    expect(r!.dirty).toBe(2); // fan3 and dana are both prospects
  });

  it('erasing an influencer removes every match naming them', async () => {
    const before = await rows(h, sql`SELECT 1 FROM matches m JOIN people p ON p.id = m.influencer_id WHERE p.external_id = 'sam'`);
    expect(before.length).toBeGreaterThan(0);
    expect((await apiClient(h, apiKey)('DELETE', '/api/v1/people/sam')).status).toBe(204);
    const [sam] = await rows(h, sql`SELECT count(*)::int AS n FROM matches m WHERE m.installation_id = ${installationId} AND NOT EXISTS (SELECT 1 FROM people p WHERE p.id = m.influencer_id)`);
    expect(sam).toEqual({ n: 0 });
  });

  it('an unknown contact is a 404; another tenant cannot read matches', async () => {
    expect((await apiClient(h, apiKey)('GET', '/api/v1/prospects/999999/matches')).status).toBe(404);
    expect((await apiClient(h, 'sk_wrong')('GET', `/api/v1/prospects/${danaId}/matches`)).status).toBe(401);
    const other = await otherInstallation(h);
    expect((await apiClient(h, other.apiKey)('GET', `/api/v1/prospects/${danaId}/matches`)).status).toBe(404);
  });
});
