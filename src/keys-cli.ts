/**
 * `sway keys list|rotate|revoke --installation <id>`: an installation's ingest API keys from the
 * command line (the store settings only; no CRM call, no Redis). The admin's way back in when
 * the only key is lost or leaked; with a key, the API does the same (src/server/keys.ts).
 *
 * - list: id, prefix, created, revoked — never a key (only hashes are stored);
 * - rotate: issues a new key, printed once, and revokes every active key of the installation
 *   (`--keep-old` keeps them);
 * - revoke: `--key <id>` revokes one key, `--all` every active one.
 *
 * Registered by src/cli.ts. With the embedded store only one process may open it: stop
 * `sway serve` first. Exit codes: 0 done; 1 nothing to do (unknown installation or key);
 * 2 usage (a malformed id, neither or both of --key and --all, a bad configuration).
 */
import type { Command } from 'commander';
import { installationRunner, openStoreFromEnvironment, type StoreOpener } from './installation-command.ts';
import { issueApiKey, listApiKeys, revokeKeys } from './store/api-keys.ts';
import type { Db } from './store/db.ts';

export interface KeysCommandOptions {
  /** Opens the store (default: from the environment, like `sway serve`); tests pass the harness's. */
  open?: StoreOpener;
  out?: (line: string) => void;
  err?: (line: string) => void;
  exit?: (code: number) => void;
}

export function registerKeysCommands(program: Command, options: KeysCommandOptions = {}): void {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = options.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  // exitCode, not exit(): output written to a pipe is flushed before the process ends.
  const exit = options.exit ?? ((code: number) => void (process.exitCode = code));

  const run = installationRunner(options.open ?? openStoreFromEnvironment(), err, exit);
  /** Checks the ids, opens the store, checks the installation exists, runs `body`. */
  const withInstallation = (installationId: string, keyId: string | undefined, body: (db: Db) => Promise<number>) =>
    run([['--installation', installationId], ['--key', keyId]], installationId, body);

  const keys = program.command('keys').description("an installation's ingest API keys (list, rotate, revoke)");
  keys
    .command('list')
    .description('list the keys: id, prefix, created, revoked (keys themselves are never stored)')
    .requiredOption('--installation <id>', 'the installation (uuid)')
    .action((opts: { installation: string }) =>
      withInstallation(opts.installation, undefined, async (db) => {
        const rows = await listApiKeys(db, opts.installation);
        out('id                                    prefix    created                   revoked');
        for (const k of rows) out(`${k.id}  ${k.prefix}  ${k.createdAt.toISOString()}  ${k.revokedAt?.toISOString() ?? '-'}`);
        return 0;
      }),
    );
  keys
    .command('rotate')
    .description('issue a new key (printed once) and revoke the active ones')
    .requiredOption('--installation <id>', 'the installation (uuid)')
    .option('--keep-old', 'keep the active keys working')
    .action((opts: { installation: string; keepOld?: boolean }) =>
      withInstallation(opts.installation, undefined, async (db) => {
        const issued = await issueApiKey(db, opts.installation, opts.keepOld ? 'none' : 'all');
        out(issued.key);
        err(`new key ${issued.id} (shown once: copy it now); ${issued.revoked.length} key(s) revoked`);
        return 0;
      }),
    );
  keys
    .command('revoke')
    .description('revoke one key (--key <id>) or every active key (--all)')
    .requiredOption('--installation <id>', 'the installation (uuid)')
    .option('--key <id>', 'the key to revoke (an id from `sway keys list`)')
    .option('--all', 'revoke every active key of the installation')
    .action((opts: { installation: string; key?: string; all?: boolean }) => {
      if (Boolean(opts.key) === Boolean(opts.all)) {
        err('sway: give either --key <id> or --all');
        return exit(2);
      }
      return withInstallation(opts.installation, opts.key, async (db) => {
        const revoked = await revokeKeys(db, opts.installation, opts.all ? 'all' : [opts.key!]);
        if (opts.key && revoked.length === 0) {
          err(`sway: no active key ${opts.key} in installation ${opts.installation}; nothing was revoked`);
          return 1;
        }
        out(`revoked ${revoked.length} key(s)`);
        return 0;
      });
    });
}
