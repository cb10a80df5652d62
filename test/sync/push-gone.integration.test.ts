/**
 * Issue 10, item 8: a contact deleted in HubSpot without a webhook reaching Sway answers the
 * batch update with a 207 "object not found". The push drops the record's rows as the deletion
 * webhook does, so it is not sent again on later pushes.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionJob } from '../../src/jobs/provision.ts';
import { pullOnce } from '../../src/jobs/pull.ts';
import { pushJob } from '../../src/jobs/push.ts';
import { scoreJob } from '../../src/jobs/score.ts';
import { listRuns } from '../../src/store/runs.ts';
import { crmRecords, personLinks, pushedValues } from '../../src/store/schema.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let apiKey: string;
let ids: string[];

const sendAudience = async (audienceSize: number) => {
  const res = await fetch(`${h.rt.url}/api/v1/signals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ people: [0, 1, 2].map((i) => ({ id: `p${i}`, emails: [`g${i}@example.com`], audienceSize: audienceSize + i })) }),
  });
  expect(res.status).toBe(202);
  await scoreJob(h.rt.jobs, installationId, `s-${audienceSize}`);
};
const sentIds = () =>
  requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/objects\/contacts\/batch\/update$/).flatMap((r) => (r.body as { inputs: { id: string }[] }).inputs.map((i) => i.id));

beforeAll(async () => {
  h = await startHarness();
  ids = h.sandbox.seedContacts([0, 1, 2].map((i) => ({ email: `g${i}@example.com` })));
  ({ installationId, apiKey } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
  await pullOnce(h.rt.jobs, installationId, 'p');
  await sendAudience(100);
  await pushJob(h.rt.jobs, installationId, 'push-1');
});
afterAll(async () => {
  await h.close();
});

describe('a contact deleted in HubSpot without a webhook', () => {
  it('is marked deleted when the push meets 207 object-not-found, and not sent again', async () => {
    const gone = ids[1]!;
    h.sandbox.deleteContact(gone); // no webhook is configured: Sway hears nothing
    await sendAudience(5000);
    h.sandbox.clearRequests();
    await pushJob(h.rt.jobs, installationId, 'push-2');
    expect(requestsTo(h.sandbox, 'POST', /batch\/update$/).map((r) => r.status)).toEqual([207]);
    const [run] = await listRuns(h.rt.store.db, installationId, 'push');
    expect(run!.counts).toMatchObject({ written: 2, failed: 0, gone: 1 });
    const key = (t: typeof crmRecords | typeof personLinks | typeof pushedValues) => and(eq(t.installationId, installationId), eq(t.crmId, gone));
    expect(await h.rt.store.db.select().from(crmRecords).where(key(crmRecords))).toHaveLength(0);
    expect(await h.rt.store.db.select().from(personLinks).where(key(personLinks))).toHaveLength(0);
    expect(await h.rt.store.db.select().from(pushedValues).where(key(pushedValues))).toHaveLength(0);

    // The person's values change again: the deleted contact is not among the records sent.
    await sendAudience(90_000);
    h.sandbox.clearRequests();
    await pushJob(h.rt.jobs, installationId, 'push-3');
    expect(sentIds().sort()).toEqual([ids[0]!, ids[2]!].sort());
  });
});
