/**
 * The pipeline, declared once: provision → pull → score → match → push, plus webhook → score,
 * measure → push, and pull → measure of each running campaign.
 * Each stage's job ends by calling `queueNextStage`, which reads what it triggers next and when
 * from PIPELINE; nothing else in src/jobs names the next stage. Ids and coalescing stay in
 * src/jobs/queues.ts: the next job's id comes from the finishing job's id (a retried job queues
 * nothing twice), and pull/score/match/push coalesce per installation.
 *
 * Other triggers enter the pipeline at `score` (ingest, imports, links, merges, erasure) or at
 * `provision` (an install); they enqueue directly and are not stages of this table.
 */
import { enqueue, jobId, measureJobId, type JobKind, type Queues } from './queues.ts';

export interface PipelineStep {
  /** The job kind this stage queues when it ends. */
  readonly next: JobKind;
  /**
   * 'always', or 'changed': only when the run changed what the next stage reads (the stage
   * says so when it calls queueNextStage).
   */
  readonly when: 'always' | 'changed';
  /** Jobs this stage may split its work into, run before `next` (a BullMQ flow whose parent is `next`). */
  readonly partitions?: JobKind;
  /**
   * 'changed': when the run changed what measurement reads (deals, contact stages), also queue
   * a measure of each running campaign (queueCampaignMeasures).
   */
  readonly measures?: 'changed';
}

export const PIPELINE = {
  // Fields exist: read every contact and deal.
  provision: { next: 'pull', when: 'always' },
  // Records or deals changed, handle fields changed, or the last score is stale (src/jobs/pull.ts).
  pull: { next: 'score', when: 'changed', measures: 'changed' },
  // An event changed what scoring reads (merges, deletions, stage or handle changes: src/jobs/webhook.ts).
  webhook: { next: 'score', when: 'changed' },
  score: { next: 'match', when: 'always' },
  // A partitioned full run adds the push as the parent of its partition jobs (src/jobs/match.ts).
  match: { next: 'push', when: 'always', partitions: 'match-partition' },
  // The CRM's campaign values (arm, converted, a deal's influencing campaign) differ from what was pushed (src/jobs/measure.ts).
  measure: { next: 'push', when: 'changed' },
} as const satisfies Record<string, PipelineStep>;

export type PipelineStage = keyof typeof PIPELINE;

/** 'changed' stages must say whether their run changed anything; 'always' stages say nothing. */
type WhenArgs<S extends PipelineStage> = (typeof PIPELINE)[S]['when'] extends 'changed' ? [changed: boolean] : [];

/**
 * Queues the stage after `from` for the installation, with an id derived from the finishing
 * job's id. Answers the queued job's id, or null when a 'changed' stage changed nothing.
 */
export async function queueNextStage<S extends PipelineStage>(
  queues: Queues,
  from: S,
  installationId: string,
  finishedJobId: string,
  ...when: WhenArgs<S>
): Promise<string | null> {
  const step: PipelineStep = PIPELINE[from];
  if (step.when === 'changed' && !when[0]) return null;
  return enqueue(queues, step.next, installationId, finishedJobId);
}

/** The id the next stage's job gets when `from` queues it itself (the parent of a flow). */
export function nextStageJobId(from: PipelineStage, installationId: string, finishedJobId: string): string {
  return jobId(PIPELINE[from].next, installationId, finishedJobId);
}

/**
 * Queues a measure of each running campaign after a stage that declares `measures`, when its
 * run changed deals or stages. Ids come from the campaign and the finishing job's id, so a
 * retried stage queues nothing twice. Answers the queued jobs' ids.
 */
export async function queueCampaignMeasures(
  queues: Queues,
  from: PipelineStage,
  installationId: string,
  finishedJobId: string,
  runningCampaignIds: readonly string[],
  changed: boolean,
): Promise<string[]> {
  const step: PipelineStep = PIPELINE[from];
  if (step.measures !== 'changed' || !changed) return [];
  const ids: string[] = [];
  for (const campaignId of runningCampaignIds) {
    const id = measureJobId(campaignId, finishedJobId);
    await queues.measure.add('measure', { installationId, campaignId }, { jobId: id });
    ids.push(id);
  }
  return ids;
}
