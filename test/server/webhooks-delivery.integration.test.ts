// End to end: the sandbox itself delivers signed webhooks to the running Sway when a contact
// is merged in HubSpot; Sway verifies, stores and (through the real queue and workers)
// re-points the person link to the surviving record.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullJob } from '../../src/jobs/pull.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { pendingJobs } from '../../src/jobs/queues.ts';
import { waitForIdle } from '../../src/demo/demo-steps.ts';
import { READY_LIMIT_MS } from '../helpers/wait.ts';
import { personLinks, webhookEvents } from '../../src/store/schema.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let ids: string[];
beforeAll(async () => {
  h = await startHarness({ workers: true });
  ids = h.sandbox.seedContacts([{ email: 'ana@example.com' }, { email: 'ana.old@example.com' }]);
  const { apiKey, installationId: id } = await h.install();
  installationId = id;
  await waitForIdle(h.rt.queues, pendingJobs, () => {}, READY_LIMIT_MS);
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullJob(h.rt.jobs, installationId, 'p');
  const res = await fetch(`${h.rt.url}/api/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ people: [{ id: 'ana', emails: ['ana.old@example.com'], audienceSize: 10 }] }),
  });
  expect(res.status).toBe(202);
  await waitForIdle(h.rt.queues, pendingJobs, () => {}, READY_LIMIT_MS);
  await scoreJob(h.rt.jobs, installationId, 's');
  h.sandbox.configureWebhooks({ targetUrl: `${h.rt.url}/webhooks/hubspot`, retryDelayMs: 50 });
});
afterAll(async () => {
  await h.close();
});

describe('webhooks delivered by the sandbox', () => {
  it('a merge in HubSpot re-points the person link to the surviving record', async () => {
    const linkOf = async () =>
      (await h.rt.store.db.select().from(personLinks).where(and(eq(personLinks.installationId, installationId)))).map((l) => l.crmId);
    expect(await linkOf()).toEqual([ids[1]]);
    const survivor = h.sandbox.mergeContacts(ids[0]!, ids[1]!);
    await h.sandbox.flushWebhooks();
    expect(h.sandbox.webhookDeliveries.every((d) => d.status === 204)).toBe(true);
    const stored = await h.rt.store.db.select().from(webhookEvents).where(eq(webhookEvents.installationId, installationId));
    expect(stored.map((e) => e.subscriptionType)).toContain('contact.merged');
    await waitForIdle(h.rt.queues, pendingJobs, () => {}, READY_LIMIT_MS);
    expect(await linkOf()).toEqual([survivor]);
  });
});
