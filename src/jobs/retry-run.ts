/**
 * `sway runs retry --installation <id> --kind <kind>`: queues a run of that kind again now —
 * the command-line twin of `POST /api/v1/runs/:kind/retry` (src/server/runs.ts), for a sync
 * that failed or was abandoned. Exit codes: 0 queued; 2 usage (one `sway: …` line); 1 Redis
 * or the store unreachable.
 */
import type { Command } from 'commander';
import { loadConfigOrExit } from '../config.ts';

/** Kinds a user may run again (webhook and partition jobs are queued by their triggers only). */
export const RETRYABLE_KINDS = ['provision', 'pull', 'score', 'match', 'push'] as const;
type RetryableKind = (typeof RETRYABLE_KINDS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerRunCommands(program: Command, env: Record<string, string | undefined>): void {
  const runs = program.command('runs').description('run history actions');
  runs
    .command('retry')
    .description('queue a pull, score, match, push or provision run again now')
    .requiredOption('--installation <id>', 'the installation (uuid)')
    .requiredOption('--kind <kind>', RETRYABLE_KINDS.join(' | '))
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (opts: { installation: string; kind: string }) => {
      if (!UUID.test(opts.installation)) return usage(`--installation must be an installation id (a uuid), got ${JSON.stringify(opts.installation)}`);
      if (!(RETRYABLE_KINDS as readonly string[]).includes(opts.kind)) return usage(`--kind must be one of ${RETRYABLE_KINDS.join(', ')}, got ${JSON.stringify(opts.kind)}`);
      const config = loadConfigOrExit(env, { crms: 'ignored' });
      // Loaded when the command runs: `sway` starts every command, and BullMQ costs startup time.
      const [{ openStore }, { getInstallation }, { assertRedisReachable, closeQueues, createQueues, enqueue, redisConnection }] = await Promise.all([
        import('../store/db.ts'),
        import('../store/installations.ts'),
        import('./queues.ts'),
      ]);
      try {
        await assertRedisReachable(config.redis.url);
        const store = await openStore(config);
        try {
          if (!(await getInstallation(store.db, opts.installation))) return usage(`no installation ${opts.installation} in this store`);
        } finally {
          await store.close();
        }
      } catch (err) {
        process.stderr.write(`sway: ${(err as Error).message}\n`);
        process.exit(1);
      }
      const connection = redisConnection(config.redis.url);
      const queues = createQueues(connection, config.redis.prefix, { attempts: config.jobs.attempts });
      try {
        const jobId = await enqueue(queues, opts.kind as RetryableKind, opts.installation, `retry-${Date.now().toString(36)}`);
        process.stdout.write(`queued ${opts.kind} for ${opts.installation} (job ${jobId})\n`);
      } finally {
        await closeQueues(queues);
        connection.disconnect();
      }
      process.exit(0);
    });
}

function usage(message: string): never {
  process.stderr.write(`sway: ${message}\n`);
  process.exit(2);
}
