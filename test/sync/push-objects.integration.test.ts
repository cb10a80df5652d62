// The push engine for an object other than contacts: deals go through the deal batch endpoint
// with their own delta (pushed values per object), and an object the connector does not write
// fails with UNSUPPORTED before any request.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspot } from '../../connectors/hubspot/index.ts';
import { sessionFor } from '../../src/sync/access.ts';
import { pushRecords } from '../../src/sync/push-engine.ts';
import { pushedValues } from '../../src/store/schema.ts';
import type { CrmObject } from '../../src/domain/objects.ts';
import { requestsTo, startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;

// Writing deals needs the deal write scope, which Sway's default scopes do not ask for (yet).
const SCOPES = 'oauth crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.read crm.schemas.contacts.write crm.objects.deals.read crm.objects.deals.write';

beforeAll(async () => {
  h = await startHarness({ env: { HUBSPOT_SCOPES: SCOPES } });
  ({ installationId } = await h.install());
});
afterAll(async () => {
  await h.close();
});

const deps = (objectType: CrmObject) => ({
  db: h.rt.store.db,
  connector: hubspot,
  installationId,
  objectType,
  session: (rejected?: string) => sessionFor(h.rt.jobs.access, installationId, rejected),
  concurrency: 2,
});

describe('pushRecords for deals', () => {
  it('writes deals in batches at the declared maximum, then sends only what changed', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => h.sandbox.createDeal({ dealname: `d${i}`, amount: '1' }));
    const dealWrites = () => requestsTo(h.sandbox, 'POST', /^\/crm\/v3\/objects\/deals\/batch\/update$/).length;
    const first = await pushRecords(deps('deal'), ids.map((id, i) => ({ id, properties: { amount: String(i + 10) } })));
    expect(first.counts).toMatchObject({ read: 150, changed: 150, written: 150, failed: 0, calls: 2 });
    expect(dealWrites()).toBe(2);
    expect(h.sandbox.getDeal(ids[7]!)!.properties.amount).toBe('17');
    const rows = await h.rt.store.db.select().from(pushedValues).where(and(eq(pushedValues.installationId, installationId), eq(pushedValues.objectType, 'deal')));
    expect(rows).toHaveLength(150);

    const second = await pushRecords(deps('deal'), ids.map((id, i) => ({ id, properties: { amount: String(i === 3 ? 999 : i + 10) } })));
    expect(second.counts).toMatchObject({ changed: 1, skipped: 149, written: 1, calls: 1 });
    expect(dealWrites()).toBe(3);
    expect(h.sandbox.getDeal(ids[3]!)!.properties.amount).toBe('999');
  });

  it('an object the connector does not write: UNSUPPORTED before any request', async () => {
    const before = h.sandbox.requests.length;
    await expect(pushRecords(deps('company'), [{ id: '1', properties: { name: 'Acme' } }])).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(h.sandbox.requests.length).toBe(before);
  });
});
