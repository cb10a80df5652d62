// The pipeline table (src/jobs/pipeline.ts) on real BullMQ queues: the declared order, ids
// derived from the finishing job, and 'changed' stages that queue nothing when nothing changed.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStageJobId, PIPELINE, queueNextStage, type PipelineStage } from '../../src/jobs/pipeline.ts';
import { closeQueues, createQueues, redisConnection, type Queues } from '../../src/jobs/queues.ts';

const connection = redisConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
let queues: Queues;

beforeAll(() => {
  queues = createQueues(connection, `sway-test-${randomBytes(4).toString('hex')}`);
});
afterAll(async () => {
  await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
  await closeQueues(queues);
  connection.disconnect();
});

describe('the pipeline', () => {
  it('runs provision → pull → score → match → push, and webhooks into score', () => {
    const order: string[] = ['provision'];
    for (let s = 'provision'; s in PIPELINE; s = PIPELINE[s as PipelineStage].next) order.push(PIPELINE[s as PipelineStage].next);
    expect(order).toEqual(['provision', 'pull', 'score', 'match', 'push']);
    expect(PIPELINE.webhook.next).toBe('score');
    expect(PIPELINE.match.partitions).toBe('match-partition');
  });

  it('queues the next stage with an id from the finishing job, once per job', async () => {
    expect(await queueNextStage(queues, 'provision', 'i1', 'install-1')).toBe('pull-i1-install-1');
    expect(await queueNextStage(queues, 'score', 'i1', 'score-i1-x')).toBe('match-i1-score-i1-x');
    expect((await queues.pull.getJob('pull-i1-install-1'))?.data).toEqual({ installationId: 'i1' });
    // A retried provision job queues nothing new.
    await queueNextStage(queues, 'provision', 'i1', 'install-1');
    expect(await queues.pull.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    expect(await queues.match.getJob('match-i1-score-i1-x')).toBeDefined();
    expect(nextStageJobId('match', 'i1', 'm:1')).toBe('push-i1-m_1');
  });

  it("a 'changed' stage queues nothing when its run changed nothing", async () => {
    expect(await queueNextStage(queues, 'pull', 'i2', 'p1', false)).toBeNull();
    expect(await queueNextStage(queues, 'webhook', 'i2', 'w1', false)).toBeNull();
    expect(await queues.score.getJobCounts('waiting', 'delayed')).toMatchObject({ waiting: 0, delayed: 0 });
    expect(await queueNextStage(queues, 'webhook', 'i2', 'w2', true)).toBe('score-i2-w2');
    expect(await queues.score.getJob('score-i2-w2')).toBeDefined();
  });
});
