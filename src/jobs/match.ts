/**
 * match: recomputes influencer matches after scoring (src/jobs/match-run.ts does the work).
 *
 * Incremental by default — only prospects whose inputs changed since the last full run — and
 * full when there is no snapshot yet, when the last full run is older than
 * MATCH_FULL_EVERY_HOURS, or when the installation has grown by more than GROWTH_FOR_FULL
 * since it (authority and reach ranked on a much smaller graph would mislead). The decision
 * reads only the snapshot's header. A full run with MATCH_PARTITIONS > 1 ranks authority here,
 * then splits scoring into partition jobs by prospect id range, added as a BullMQ flow whose parent
 * is the push job: any worker takes a partition, and the push starts once all are done.
 * Otherwise the push is queued when this job ends. Job ids come from the trigger, so a retried
 * trigger adds nothing twice; partitions replace their own prospects' matches, so a retried
 * partition writes the same rows.
 */
import { FlowProducer } from 'bullmq';
import { fullMatchRun, scoreProspects } from './match-run.ts';
import { isCurrentSnapshot, snapshotPeople } from '../matching/snapshot.ts';
import { countPeople, loadLinkedContacts } from '../store/graph-load.ts';
import { snapshotHead } from '../store/matches.ts';
import { hasUnfinishedRun } from '../store/runs.ts';
import type { JobContext } from './context.ts';
import { nextStageJobId, PIPELINE, queueNextStage } from './pipeline.ts';
import { jobId, type JobData } from './queues.ts';
import { recordRun, type RunOutcome } from './run.ts';

export async function matchJob(ctx: JobContext, installationId: string, id: string): Promise<void> {
  let partitions: [number, number][] = [];
  // This job ran before and did not finish (a crash, a failure): it may have saved a snapshot
  // for partitions it never queued, so it runs full again rather than trust that snapshot.
  const rerun = await hasUnfinishedRun(ctx.db, 'match', id);
  await recordRun(ctx, 'match', installationId, id, async (): Promise<RunOutcome> => {
    const snapshot = await snapshotHead(ctx.db, installationId);
    // A snapshot written by an older version lacks signals this one reads: rebuild it.
    const fresh = !rerun && snapshot && isCurrentSnapshot(snapshot.head) && Date.now() - snapshot.computedAt.getTime() < ctx.matching.fullEveryMs && !grown(snapshotPeople(snapshot.head), await countPeople(ctx.db, installationId));
    if (fresh) {
      const r = (await scoreProspects(ctx.db, installationId, { changed: true }))!;
      return { counts: { incremental: 1, prospects: r.prospects, changed: r.dirty ?? 0, scored: r.scored, matches: r.matchesWritten } };
    }
    const split = ctx.matching.partitions > 1;
    const r = await fullMatchRun(ctx.db, installationId, { scoreHere: !split });
    if (split) partitions = idRanges((await loadLinkedContacts(ctx.db, installationId)).map((c) => c.personId), ctx.matching.partitions);
    return {
      counts: { full: 1, people: r.people, interactions: r.interactions, prospects: r.prospects, scored: r.scored, matches: r.matchesWritten, partitions: partitions.length },
    };
  });
  if (partitions.length === 0) {
    await queueNextStage(ctx.queues, 'match', installationId, id);
    return;
  }
  // The next stage (push) is the flow's parent: it starts once every partition is done.
  const { next, partitions: partitionKind } = PIPELINE.match;
  const { connection, prefix } = ctx.queues[next].opts;
  const flow = new FlowProducer({ connection, prefix });
  try {
    await flow.add({
      name: next,
      queueName: next,
      data: { installationId },
      opts: { jobId: nextStageJobId('match', installationId, id) },
      children: partitions.map((range, k) => ({
        name: partitionKind,
        queueName: partitionKind,
        data: { installationId, range },
        opts: { jobId: jobId(partitionKind, installationId, `${id}-${k}`), attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
      })),
    });
  } finally {
    await flow.close();
  }
}

export async function matchPartitionJob(ctx: JobContext, installationId: string, id: string, data: JobData = { installationId }): Promise<void> {
  if (!data.range) throw new Error('a match partition needs a range');
  await recordRun(ctx, 'match', installationId, id, async () => {
    const r = await scoreProspects(ctx.db, installationId, { range: data.range! });
    if (!r) throw new Error('no match snapshot: the full run that made this partition is gone');
    return { counts: { partition: 1, scored: r.scored, matches: r.matchesWritten, from: data.range![0], to: data.range![1] } };
  });
}

/** Share of new people since the snapshot that makes the next run full. */
export const GROWTH_FOR_FULL = 0.1;

/** True when `now` people is more than GROWTH_FOR_FULL above the snapshot's count (any growth from none). Pure. */
export function grown(snapshotCount: number, now: number): boolean {
  return now - snapshotCount > GROWTH_FOR_FULL * snapshotCount;
}

/** Splits ids into at most `parts` contiguous [lo, hi] ranges of about equal count. Pure. */
export function idRanges(ids: readonly number[], parts: number): [number, number][] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const size = Math.ceil(sorted.length / parts);
  const out: [number, number][] = [];
  for (let i = 0; i < sorted.length; i += size) out.push([sorted[i]!, sorted[Math.min(i + size, sorted.length) - 1]!]);
  return out;
}
