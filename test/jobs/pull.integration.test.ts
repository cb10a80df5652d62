import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullJob } from '../../src/jobs/pull.ts';
import { getInstallation } from '../../src/store/installations.ts';
import { listRuns } from '../../src/store/runs.ts';
import { crmDeals, crmRecords } from '../../src/store/schema.ts';
import { getCursor } from '../../src/store/sync-cursors.ts';
import { settingsOf } from '../../src/sync/installation-settings.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let ids: string[];
beforeAll(async () => {
  h = await startHarness();
  h.sandbox.setLifecycleStageOptions([
    { value: 'lead', label: 'Lead', displayOrder: 0 },
    { value: 'opportunity', label: 'Opportunity', displayOrder: 1 },
    { value: '90210', label: 'Proof of concept', displayOrder: 2 },
    { value: 'customer', label: 'Customer', displayOrder: 3 },
  ]);
  ids = h.sandbox.seedContacts(Array.from({ length: 250 }, (_, i) => ({ email: `c${i}@example.com`, lifecyclestage: i === 0 ? '90210' : 'lead' })));
  ({ installationId } = await h.install());
});
afterAll(async () => {
  await h.close();
});

const record = async (crmId: string) =>
  (await h.rt.store.db.select().from(crmRecords).where(and(eq(crmRecords.installationId, installationId), eq(crmRecords.crmId, crmId))))[0];

describe('pull', () => {
  it('backfills by list paging, learns the portal stage map, and reads deals with closed-won per pipeline', async () => {
    const won = h.sandbox.createDeal({ dealname: 'Big', amount: '5000', dealstage: 'closedwon', pipeline: 'default' }, [ids[1]!]);
    const open = h.sandbox.createDeal({ dealname: 'Open', amount: '10', dealstage: 'contractsent', pipeline: 'default' }, [ids[2]!]);
    h.sandbox.clearRequests();
    await pullJob(h.rt.jobs, installationId, 'first');
    expect(requestsTo(h.sandbox, 'GET', /^\/crm\/v3\/objects\/contacts$/)).toHaveLength(3); // 100 + 100 + 50
    expect(requestsTo(h.sandbox, 'POST', /\/search$/)).toHaveLength(0);
    expect((await record(ids[249]!))?.email).toBe('c249@example.com');
    const settings = settingsOf((await getInstallation(h.rt.store.db, installationId))!);
    expect(settings.stageMap['90210']).toBe('decision'); // "Proof of concept", after opportunity
    const deals = await h.rt.store.db.select().from(crmDeals).where(eq(crmDeals.installationId, installationId));
    expect(deals.find((d) => d.crmId === won)).toMatchObject({ closedWon: true, amount: 5000, contactIds: [ids[1]] });
    expect(deals.find((d) => d.crmId === open)).toMatchObject({ closedWon: false });
    expect(await getCursor(h.rt.store.db, installationId, 'contact')).not.toBeNull();
  });

  it('then pulls incrementally by search from the cursor, picking up changes', async () => {
    h.sandbox.updateContact(ids[5]!, { lifecyclestage: 'customer', email: 'moved@example.com' });
    h.sandbox.clearRequests();
    await pullJob(h.rt.jobs, installationId, 'second');
    const searches = requestsTo(h.sandbox, 'POST', /\/objects\/contacts\/search$/);
    expect(searches.length).toBeGreaterThanOrEqual(1);
    expect(requestsTo(h.sandbox, 'GET', /^\/crm\/v3\/objects\/contacts$/)).toHaveLength(0);
    expect(await record(ids[5]!)).toMatchObject({ email: 'moved@example.com', lifecycleStage: 'customer' });
    const [run] = await listRuns(h.rt.store.db, installationId, 'pull');
    expect(run!.status).toBe('succeeded');
    // The overlap re-reads recent records; far fewer than a full list.
    expect(run!.counts.read).toBeLessThanOrEqual(250);
  });
});
