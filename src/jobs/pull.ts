/** pull: a full read of the CRM's contacts (id, email, stage) into crm_records, then rescore. */
import { connectors, type CrmId } from '../../connectors/index.ts';
import { upsertContacts } from '../store/crm-records.ts';
import { getInstallation } from '../store/installations.ts';
import { sessionFor } from '../sync/access.ts';
import type { JobContext } from './context.ts';
import { enqueue } from './queues.ts';
import { recordRun } from './run.ts';

export async function pullJob(ctx: JobContext, installationId: string, jobId: string): Promise<void> {
  await recordRun(ctx, 'pull', installationId, jobId, async () => {
    const inst = await getInstallation(ctx.db, installationId);
    const connector = connectors[inst!.crm as CrmId];
    let read = 0;
    // One session for the whole read: fine for skeleton-sized portals; the incremental sync
    // engine re-checks the token per page for long backfills.
    const pages = connector.listContacts(await sessionFor(ctx.access, installationId));
    for await (const page of pages) {
      await upsertContacts(ctx.db, installationId, page);
      read += page.length;
    }
    return { counts: { read } };
  });
  await enqueue(ctx.queues, 'score', installationId, jobId);
}
