/**
 * `sway people delete <personId> --installation <id>`: privacy erasure from the command line,
 * the same as DELETE /api/v1/people/:id (src/store/privacy.ts purgePerson): the person and
 * every row about them go; CRM records linked to them stay, unlinked; a score job is queued so
 * other people's scores stop counting the erased interactions.
 *
 * Registered by src/cli.ts: `registerPeopleCommands(program)`.
 *
 * With the embedded store (no DATABASE_URL) only one process may open it: stop `sway serve`
 * first, or use the HTTP API while it runs.
 *
 * Exit codes: 0 erased; 1 nothing erased (no such person or installation; commander's own
 * usage errors also exit 1); 2 a malformed installation id or a bad configuration.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { loadConfigOrExit, processEnv } from './config.ts';
import { openStore, type Db } from './store/db.ts';
import { getInstallation } from './store/installations.ts';
import { resolvePerson } from './store/people.ts';
import { purgePerson } from './store/privacy.ts';
import { personLinks } from './store/schema.ts';

/** What the command works with; tests pass the harness's store and queues. */
export interface PeopleCommandDeps {
  db: Db;
  /**
   * Queues a score job; null when it could not (Redis not reachable: the erasure still
   * happened, other people's scores are recomputed at the next score run).
   */
  enqueueScore(installationId: string, trigger: string): Promise<string | null>;
  close(): Promise<void>;
}

export interface PeopleCommandOptions {
  /** Opens the store and queues (default: from the environment, like `sway serve`). */
  open?: () => Promise<PeopleCommandDeps>;
  out?: (line: string) => void;
  err?: (line: string) => void;
  exit?: (code: number) => void;
}

export type DeleteOutcome =
  | { status: 'deleted'; person: string; unlinkedRecords: number; scoreJobId: string | null }
  | { status: 'not-found'; message: string };

/** The erasure itself, shared by the command and its tests. */
export async function deletePersonCommand(deps: Pick<PeopleCommandDeps, 'db' | 'enqueueScore'>, installationId: string, personId: string): Promise<DeleteOutcome> {
  if (!(await getInstallation(deps.db, installationId))) return { status: 'not-found', message: `no installation ${installationId}` };
  const person = personId.includes('\u0000') ? null : await resolvePerson(deps.db, installationId, personId);
  if (!person) return { status: 'not-found', message: `no person ${JSON.stringify(personId)} in installation ${installationId}` };
  const links = await countLinks(deps.db, installationId, person.id);
  const { personDeleted } = await purgePerson(deps.db, installationId, person.id);
  if (!personDeleted) return { status: 'not-found', message: `no person ${JSON.stringify(personId)} in installation ${installationId}` };
  const scoreJobId = await deps.enqueueScore(installationId, `erase-cli-${randomUUID()}`);
  return { status: 'deleted', person: person.externalId, unlinkedRecords: links, scoreJobId };
}

async function countLinks(db: Db, installationId: string, personId: number): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(personLinks)
    .where(and(eq(personLinks.installationId, installationId), eq(personLinks.personId, personId)));
  return Number(row?.n ?? 0);
}

/** Opens the configured store; Redis only when a job is to be queued. */
async function openFromEnvironment(): Promise<PeopleCommandDeps> {
  const config = loadConfigOrExit(processEnv(), { crms: 'ignored' });
  const store = await openStore(config);
  return {
    db: store.db,
    async enqueueScore(installationId, trigger) {
      // Loaded here: bullmq is only needed when a job is queued.
      const { assertRedisReachable, closeQueues, createQueues, enqueue, redisConnection } = await import('./jobs/queues.ts');
      try {
        await assertRedisReachable(config.redis.url);
      } catch (err) {
        process.stderr.write(`sway: warning: ${(err as Error).message}; other people's scores are recomputed at the next score run\n`);
        return null;
      }
      const connection = redisConnection(config.redis.url);
      const queues = createQueues(connection, config.redis.prefix);
      try {
        return await enqueue(queues, 'score', installationId, trigger);
      } finally {
        await closeQueues(queues);
        connection.disconnect();
      }
    },
    close: () => store.close(),
  };
}

const Uuid = z.uuid();

export function registerPeopleCommands(program: Command, options: PeopleCommandOptions = {}): void {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = options.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  // exitCode, not exit(): output written to a pipe is flushed before the process ends.
  const exit = options.exit ?? ((code: number) => void (process.exitCode = code));
  const people = program.command('people').description('people Sway holds (privacy requests)');
  people
    .command('delete')
    .description('erase a person and everything Sway holds about them (their CRM records stay, unlinked)')
    .argument('<personId>', "the person's id as sent to Sway (an id merged into another person names the survivor)")
    .requiredOption('--installation <id>', 'the installation (uuid) the person belongs to')
    .action(async (personId: string, opts: { installation: string }) => {
      if (!Uuid.safeParse(opts.installation).success) {
        err(`sway: --installation must be an installation id (a uuid), got ${JSON.stringify(opts.installation)}`);
        return exit(2);
      }
      const deps = await (options.open ?? openFromEnvironment)();
      let outcome: DeleteOutcome;
      try {
        outcome = await deletePersonCommand(deps, opts.installation, personId);
      } finally {
        await deps.close();
      }
      if (outcome.status === 'not-found') {
        err(`sway: ${outcome.message}; nothing was deleted`);
        return exit(1);
      }
      out(
        `deleted person ${JSON.stringify(outcome.person)} and everything Sway held about them` +
          (outcome.unlinkedRecords ? `; ${outcome.unlinkedRecords} CRM record(s) unlinked` : '') +
          (outcome.scoreJobId ? '; rescoring queued' : ''),
      );
      return exit(0);
    });
}
