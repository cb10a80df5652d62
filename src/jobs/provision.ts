/** provision: create Sway's field group and fields in the CRM, then the next stage (src/jobs/pipeline.ts: pull). */
import { connectors, type CrmId } from '../../connectors/index.ts';
import { getInstallation } from '../store/installations.ts';
import { withSession } from '../sync/access.ts';
import type { JobContext } from './context.ts';
import { queueNextStage } from './pipeline.ts';
import { recordRun } from './run.ts';

export async function provisionJob(ctx: JobContext, installationId: string, jobId: string): Promise<void> {
  await recordRun(ctx, 'provision', installationId, jobId, async () => {
    const inst = await getInstallation(ctx.db, installationId);
    const result = await withSession(ctx.access, installationId, (s) => connectors[inst!.crm as CrmId].provision(s));
    return { counts: { created: result.created.length, existing: result.existing.length, groupCreated: result.groupCreated ? 1 : 0 } };
  });
  await queueNextStage(ctx.queues, 'provision', installationId, jobId);
}
