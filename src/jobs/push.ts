/**
 * push: writes the catalogue fields of every linked, scored contact to the CRM with batch
 * updates (the connector batches at the vendor maximum). Per-record failures are recorded in
 * the run, not retried; rate limits and server errors fail the job for the queue to retry,
 * which is safe because a push writes absolute values.
 */
import { connectors, type CrmId } from '../../connectors/index.ts';
import { joinTopics, type ContactFieldValues } from '../domain/fields.ts';
import { mapHubSpotLifecycleStage } from '../domain/stages.ts';
import { linkedScoredContacts, type LinkedContact } from '../store/crm-records.ts';
import { getInstallation } from '../store/installations.ts';
import { sessionFor } from '../sync/access.ts';
import type { JobContext } from './context.ts';
import { recordRun } from './run.ts';

export async function pushJob(ctx: JobContext, installationId: string, jobId: string): Promise<void> {
  await recordRun(ctx, 'push', installationId, jobId, async () => {
    const inst = await getInstallation(ctx.db, installationId);
    const contacts = await linkedScoredContacts(ctx.db, installationId);
    if (contacts.length === 0) return { counts: { read: 0, written: 0, failed: 0, calls: 0 } };
    const session = await sessionFor(ctx.access, installationId);
    const result = await connectors[inst!.crm as CrmId].updateContacts(session, contacts.map((c) => ({ id: c.crmId, values: contactValues(c) })));
    return {
      counts: { read: contacts.length, written: result.written, failed: result.failed.length, calls: result.calls },
      errors: result.failed,
    };
  });
}

/** Pure: the catalogue values Sway owns for one contact today (match fields come with matching). */
export function contactValues(c: LinkedContact): ContactFieldValues {
  const m = c.metrics;
  return {
    influenceScore: m.influenceScore,
    topTopics: joinTopics(m.topTopics),
    brandSentiment: m.brandSentiment,
    conversations30d: m.conversations30d,
    lastConversationAt: m.lastConversationAt ? new Date(m.lastConversationAt) : null,
    stage: mapHubSpotLifecycleStage(c.lifecycleStage),
    advocate: m.advocate,
  };
}
