/**
 * push: writes the catalogue fields of every linked, scored contact to the CRM through the
 * push engine (src/sync/push-engine.ts): only changed values, batched, under the shared rate
 * budget, with per-record errors kept in the run. Contacts carry their campaign, arm and
 * converted flag, and deals won by treated members their influencing campaign
 * (src/jobs/campaign-writeback.ts), deals through the same engine where the connector writes them. Safe to retry: values are absolute and
 * what was written is remembered batch by batch.
 */
import { connectors, type CrmId } from '../../connectors/index.ts';
import { joinTopics, type ContactFieldValues } from '../domain/fields.ts';
import { mapStage, withDefaultStages, type CanonicalStage } from '../domain/stages.ts';
import { linkedScoredContacts, type LinkedContact } from '../store/crm-records.ts';
import { bestMatches, type BestMatch } from '../store/matches.ts';
import { getInstallation } from '../store/installations.ts';
import { sessionFor } from '../sync/access.ts';
import { pushRecords } from '../sync/push-engine.ts';
import { parseSettings } from '../sync/settings.ts';
import { desiredDeals, loadCampaignWriteback, NO_CAMPAIGN } from './campaign-writeback.ts';
import type { JobContext } from './context.ts';
import { recordRun } from './run.ts';

export async function pushJob(ctx: JobContext, installationId: string, jobId: string): Promise<void> {
  await recordRun(ctx, 'push', installationId, jobId, async () => {
    const inst = await getInstallation(ctx.db, installationId);
    const connector = connectors[inst!.crm as CrmId];
    const [contacts, best] = await Promise.all([linkedScoredContacts(ctx.db, installationId), bestMatches(ctx.db, installationId)]);
    const stageMap = withDefaultStages(parseSettings(inst!.settings, connector.settingsDefaults).stageMap, connector.stages.defaults);
    const wb = await loadCampaignWriteback(ctx.db, installationId);
    const desired = contacts.map((c) => ({
      id: c.crmId,
      properties: connector.vendorProperties('contact', { ...contactValues(c, stageMap, best.get(c.personId)), ...(wb.contacts.get(c.crmId) ?? NO_CAMPAIGN) }),
    }));
    const deps = {
      db: ctx.db,
      connector,
      installationId,
      session: (rejected?: string) => sessionFor(ctx.access, installationId, rejected),
      concurrency: ctx.pushConcurrency,
    };
    const { counts, errors } = await pushRecords({ ...deps, objectType: 'contact' }, desired);
    // Contacts first: the run's record counts stay the contacts' (the demo compares them with
    // linked contacts); deals add their own counts and calls.
    if (!connector.objects.deal?.writeBatchMax) return { counts: { ...counts }, errors };
    const deals = await pushRecords({ ...deps, objectType: 'deal' }, await desiredDeals(ctx.db, connector, installationId, wb));
    const d = deals.counts;
    return {
      counts: { ...counts, calls: counts.calls + d.calls, rateLimited: counts.rateLimited + d.rateLimited, retried: counts.retried + d.retried, dealsChanged: d.changed, dealsWritten: d.written, dealsFailed: d.failed },
      errors: [...errors, ...deals.errors],
    };
  });
}

/**
 * Pure: the catalogue values Sway owns for one contact. Match fields come from the contact's
 * best stored match (rank 1; score as 0–100) and are cleared when there is none.
 */
export function contactValues(c: LinkedContact, stageMap: Readonly<Record<string, CanonicalStage>> = {}, match?: BestMatch): ContactFieldValues {
  const m = c.metrics;
  return {
    bestInfluencer: match?.influencer ?? null,
    matchScore: match ? Math.round(match.score * 1000) / 10 : null,
    matchReason: match?.reason ?? null,
    stageAtMatch: match?.stage ?? null,
    matchedAt: match?.computedAt ?? null,
    influenceScore: m.influenceScore,
    topTopics: joinTopics(m.topTopics),
    brandSentiment: m.brandSentiment,
    conversations30d: m.conversations30d,
    lastConversationAt: m.lastConversationAt ? new Date(m.lastConversationAt) : null,
    stage: mapStage(c.lifecycleStage, stageMap),
    advocate: m.advocate,
  };
}
