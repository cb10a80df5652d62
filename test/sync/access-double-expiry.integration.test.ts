/**
 * Issue 17 item 7: a token that expires twice while one batch is being written (the refreshed
 * token expires too before the batch gets through) is refreshed twice; the run does not fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubspot } from '../../connectors/hubspot/index.ts';
import { provisionJob } from '../../src/jobs/provision.ts';
import { sessionFor } from '../../src/sync/access.ts';
import { pushRecords } from '../../src/sync/push-engine.ts';
import { startHarness, type Harness } from '../helpers/harness.ts';

let h: Harness;
let installationId: string;
let ids: string[];
beforeAll(async () => {
  h = await startHarness();
  ids = h.sandbox.seedContacts(Array.from({ length: 20 }, (_, i) => ({ email: `x${i}@example.com` })));
  ({ installationId } = await h.install());
  await provisionJob(h.rt.jobs, installationId, 'p');
});
afterAll(async () => {
  await h.close();
});

describe('two token expiries inside one batch', () => {
  it('refreshes twice and writes the batch', async () => {
    let refreshes = 0;
    h.sandbox.expireAccessTokens();
    const { counts } = await pushRecords(
      {
        db: h.rt.store.db,
        connector: hubspot,
        installationId,
        objectType: 'contact',
        concurrency: 1,
        session: async (rejected) => {
          const s = await sessionFor(h.rt.jobs.access, installationId, rejected);
          // The first refreshed token expires before the batch is sent again.
          if (rejected && ++refreshes === 1) h.sandbox.expireAccessTokens();
          return s;
        },
      },
      ids.map((id, i) => ({ id, properties: hubspot.vendorProperties('contact', { influenceScore: i, stage: 'decision' }) })),
    );
    expect(refreshes).toBe(2);
    expect(counts).toMatchObject({ written: 20, failed: 0 });
    expect(h.sandbox.requests.filter((r) => r.grantType === 'refresh_token').map((r) => r.status)).toEqual([200, 200]);
    expect(h.sandbox.getContact(ids[7]!)!.properties.sway_influence_score).toBe('7');
  });
});
