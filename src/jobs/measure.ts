/**
 * measure: one campaign's report at this look, from the store (members, won deals, stage
 * transitions, interactions) through src/outcomes/report.ts, saved on the campaign. It reads no
 * CRM and writes none itself; when the campaign values the CRM should hold differ from what was
 * last pushed it queues a push (src/jobs/pipeline.ts), so measuring again with nothing changed
 * changes nothing. One job per
 * campaign and trigger (deterministic id); the first look at or after the planned readout reads
 * the campaign out.
 */
import { inArray } from 'drizzle-orm';
import { campaignCounts, effectCells, type CountMember } from '../outcomes/campaign-counts.ts';
import { buildCampaignReport, type CampaignReport } from '../outcomes/report.ts';
import { replaceCampaignEffects } from '../store/campaign-learning.ts';
import { campaignMembersOf, getCampaign, saveReport, type CampaignRow } from '../store/campaigns.ts';
import { exposedInWindow, reachedStageInWindow, wonDealsInWindow } from '../store/campaign-outcomes.ts';
import type { Db } from '../store/db.ts';
import { getInstallation } from '../store/installations.ts';
import { people } from '../store/schema.ts';
import type { CanonicalStage } from '../domain/stages.ts';
import { connectorFor, stageMapOf } from '../sync/installation-settings.ts';
import type { JobContext } from './context.ts';
import { campaignWritebackPending } from './campaign-writeback.ts';
import { queueNextStage } from './pipeline.ts';
import { measureJobId, type JobData, type Queues } from './queues.ts';
import { recordRun } from './run.ts';

export class CampaignNotStartedError extends Error {
  override name = 'CampaignNotStartedError';
}

export interface Measurement {
  report: CampaignReport;
  /** Randomisation units at start (the report's plannedUnits). */
  units: number;
}

async function externalIds(db: Db, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: people.id, externalId: people.externalId }).from(people).where(inArray(people.id, ids));
  return new Map(rows.map((r) => [Number(r.id), r.externalId]));
}

/** The installation's CRM stage value → canonical stage, as match runs read it (src/jobs/match-run.ts). */
export async function installationStageMap(db: Db, installationId: string): Promise<Record<string, CanonicalStage>> {
  const inst = await getInstallation(db, installationId);
  if (!inst) return {};
  return stageMapOf(inst);
}

/**
 * A started campaign's window as of `now` and its conversions per member contact inside it
 * (won deals with amounts, or an empty map for the stage outcome). Measurement and the push's
 * write-back (src/jobs/campaign-writeback.ts) read the same conversions.
 */
export async function campaignConversions(
  db: Db,
  installationId: string,
  campaign: CampaignRow,
  now = new Date(),
): Promise<{ window: { from: Date; to: Date }; conversions: Map<string, Map<string, number>> }> {
  if (!campaign.startedAt || !campaign.windowEndsAt) throw new CampaignNotStartedError('the campaign has not started: start it to assign its arms, then measure');
  const window = { from: campaign.startedAt, to: new Date(Math.min(now.getTime(), campaign.windowEndsAt.getTime())) };
  const conversions = new Map<string, Map<string, number>>();
  if (campaign.outcome === 'deal-won') {
    for (const d of await wonDealsInWindow(db, installationId, campaign.id, window)) {
      let deals = conversions.get(d.contactId);
      if (!deals) conversions.set(d.contactId, (deals = new Map()));
      deals.set(d.dealId, d.amount);
    }
  } else {
    const map = await installationStageMap(db, installationId);
    const purchase = Object.keys(map).filter((k) => map[k] === 'purchase');
    for (const c of await reachedStageInWindow(db, installationId, campaign.id, purchase, window)) conversions.set(c, new Map());
  }
  return { window, conversions };
}

/** Computes (and with `save`, stores) the campaign's report as of `now`. */
export async function measureCampaign(db: Db, installationId: string, campaign: CampaignRow, now = new Date(), save = true): Promise<Measurement> {
  if (!campaign.startedAt || !campaign.windowEndsAt) throw new CampaignNotStartedError('the campaign has not started: start it to assign its arms, then measure');
  const { window, conversions } = await campaignConversions(db, installationId, campaign, now);
  const members = await campaignMembersOf(db, campaign.id);
  const names = await externalIds(db, [...new Set(members.flatMap((m) => (m.influencerId === null ? [] : [m.influencerId])))]);
  const exposed = await exposedInWindow(db, installationId, campaign.id, window);
  const countMembers: CountMember[] = members.map((m) => ({
    contactId: m.contactId,
    unitKey: m.unitKey,
    arm: m.arm,
    stage: m.stage,
    influencer: m.influencerId === null ? null : (names.get(m.influencerId) ?? `person-${m.influencerId}`),
    influencerId: m.influencerId,
  }));
  const counts = campaignCounts(countMembers, { conversions, exposed });
  const report = buildCampaignReport({
    design: {
      id: campaign.id,
      holdoutShare: campaign.holdoutShare,
      alpha: campaign.alpha,
      readoutAt: campaign.readoutAt.toISOString(),
      plannedUnits: Math.max(1, counts.units),
      ...(campaign.cost !== null ? { cost: campaign.cost } : {}),
    },
    asOf: now.toISOString(),
    overall: counts.overall,
    influencers: counts.influencers,
    stages: counts.stages,
  });
  if (save) {
    // One transaction: a campaign is never marked read out with its learning cells left stale.
    await db.transaction(async (tx) => {
      await saveReport(tx as unknown as Db, campaign.id, report as unknown as Record<string, unknown>, now, report.afterReadout);
      // Learning reads randomised comparisons only: a campaign whose assignment failed its sample-ratio check teaches nothing.
      await replaceCampaignEffects(tx as unknown as Db, installationId, campaign.id, report.held ? [] : effectCells(countMembers, { conversions, exposed }));
    });
  }
  return { report, units: counts.units };
}

export async function measureJob(ctx: JobContext, installationId: string, jobId: string, data: JobData): Promise<void> {
  const campaignId = data.campaignId;
  if (!campaignId) return;
  const campaign = await getCampaign(ctx.db, installationId, campaignId);
  // Deleted with its installation, or never started: nothing to measure.
  if (!campaign?.startedAt) return;
  const run = await recordRun(ctx, 'measure', installationId, jobId, async () => {
    const { report, units } = await measureCampaign(ctx.db, installationId, campaign);
    const o = report.overall;
    // A push only when the CRM would get a different value (a converted flag, a deal's
    // attribution, a new member's arm): measuring again with nothing changed writes nothing.
    const pushQueued = (await campaignWritebackPending(ctx.db, connectorFor((await getInstallation(ctx.db, installationId))!.crm), installationId)) ? 1 : 0;
    return { counts: { units, treatment: o.treatment.units, control: o.control.units, treatmentConversions: o.treatment.conversions, controlConversions: o.control.conversions, held: report.held ? 1 : 0, pushQueued } };
  });
  await queueNextStage(ctx.queues, 'measure', installationId, jobId, Boolean(run.counts.pushQueued));
}

/** Queues a measure of one campaign; the same trigger twice is one job. */
export async function enqueueMeasure(queues: Queues, installationId: string, campaignId: string, trigger: string): Promise<string> {
  const id = measureJobId(campaignId, trigger);
  await queues.measure.add('measure', { installationId, campaignId }, { jobId: id });
  return id;
}
