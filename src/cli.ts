/**
 * The `sway` command: serve (HTTP + workers), worker (workers only), demo (everything against
 * a local CRM sandbox, connectors/<crm>/sandbox). Errors that a user can fix
 * (UserFacingError) end the process with one line.
 */
import { Command } from 'commander';
import { loadConfigOrExit, processEnv } from './config.ts';
import { UserFacingError } from './domain/errors.ts';
import type { Runtime } from './runtime.ts';

// Command modules load when their command runs (dynamic imports): the server, queues and CRM
// clients cost ~1.5 s of startup that `sway match` or `sway import` should not pay.

/** Errors a user can fix (UserFacingError, src/domain/errors.ts) end with one line; anything else with its stack. */
function fail(err: unknown): never {
  if (err instanceof UserFacingError) {
    process.stderr.write(`sway: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`sway: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
}

/** SIGTERM/SIGINT: stop accepting work, let active jobs finish, then exit. */
function closeOnSignal(rt: Runtime): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    rt.logger.info({ signal }, 'shutting down gracefully');
    rt.close().then(
      () => process.exit(0),
      (err) => fail(err),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

const program = new Command('sway').description('Sway: stage-aware social influence inside your CRM');

program
  .command('serve')
  .description('run the HTTP server (install flow, ingest API); with the embedded store it also runs the workers')
  .option('--no-workers', 'do not run workers in this process (needs DATABASE_URL: PGlite is single-process)')
  .action(async (opts: { workers: boolean }) => {
    const config = loadConfigOrExit(processEnv(), { crms: 'required' });
    const workers = opts.workers || config.store.kind === 'pglite';
    const { startRuntime } = await import('./runtime.ts');
    const rt = await startRuntime(config, { server: true, workers }).catch(fail);
    rt.logger.info({ url: rt.url, publicUrl: config.publicUrl, store: config.store.kind, workers }, 'sway is serving');
    closeOnSignal(rt);
  });

program
  .command('worker')
  .description('run job workers only (scale out with PostgreSQL; the embedded store allows one process)')
  .action(async () => {
    const config = loadConfigOrExit(processEnv(), { crms: 'required' });
    if (config.store.kind === 'pglite') {
      process.stderr.write('sway: `sway worker` needs DATABASE_URL (the embedded store is single-process; `sway serve` runs workers itself)\n');
      process.exit(2);
    }
    const { startRuntime } = await import('./runtime.ts');
    const rt = await startRuntime(config, { workers: true }).catch(fail);
    rt.logger.info('sway workers started');
    closeOnSignal(rt);
  });

program
  .command('demo')
  .description('start a local CRM sandbox, install Sway into it, seed data, run provision → ingest → score → push')
  .option('--json', 'print one JSON object with the figures as the last line')
  .option('--serve', 'keep the sandbox and Sway running after the demo')
  .option('--contacts <n>', 'contacts to seed in the sandbox', (v) => Number.parseInt(v, 10), 500)
  .option('--steady-minutes <n>', 'after the demo, run pull cycles for N minutes with nothing new and print the CRM writes and reads', Number, 0)
  .action(async (opts: { json?: boolean; serve?: boolean; contacts: number; steadyMinutes?: number }) => {
    const { runDemo } = await import('./demo/run-demo.ts');
    const code = await runDemo(processEnv(), opts).catch(fail);
    if (!opts.serve) process.exit(code);
  });

program
  .command('import')
  .description('load people, interactions, conversations and scores from an NDJSON or CSV file (README: "Importing files")')
  .argument('<file>', 'an .ndjson/.jsonl or .csv file')
  .requiredOption('--installation <id>', 'the installation to import into')
  .option('--type <type>', 'type of the rows that do not give one (a CSV without a type column): people, interactions, conversations or scores')
  .option('--json', 'print the summary as one JSON object on the last line')
  .option('--quiet', 'no progress bar')
  // Usage errors (missing argument, unknown option) exit 2 like the command's own, not commander's 1.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .action(async (file: string, opts: { installation: string; type?: string; json?: boolean; quiet?: boolean }) => {
    const { runImportCommand } = await import('./import/run-import.ts');
    process.exit(await runImportCommand(file, opts, processEnv()).catch(fail));
  });

(await import('./privacy-cli.ts')).registerPeopleCommands(program);
(await import('./match-cli.ts')).registerMatchCommands(program, processEnv());
(await import('./keys-cli.ts')).registerKeysCommands(program);
(await import('./jobs/retry-run.ts')).registerRunCommands(program, processEnv());
(await import('./settings-cli.ts')).registerSettingsCommands(program, processEnv());
(await import('./campaigns-cli.ts')).registerCampaignCommands(program, processEnv());

// Errors thrown inside any command's action (people, match, …) end the same way: one line.
await program.parseAsync(process.argv).catch(fail);
