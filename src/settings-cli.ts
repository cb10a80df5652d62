/**
 * `sway settings get|set --installation <id>` — an installation's settings from the command
 * line, the same rules as GET/PATCH /api/v1/settings (src/server/settings.ts):
 *
 *   sway settings get --installation <id>                       the settings as JSON
 *   sway settings set --installation <id> matching.topK=5 matching.stageWeights.decision.tie=0.4
 *   sway settings set --installation <id> --json '{"matching":{"halfLifeDays":60}}'
 *
 * A `path=value` value is read as JSON when it parses (numbers, null to remove an override),
 * else as text. Registered by src/cli.ts; touches no CRM. Exit codes: 0 done; 2 bad input (one
 * `sway: …` line per problem, nothing stored); 1 unexpected failure.
 */
import type { Command } from 'commander';
import { loadConfigOrExit } from './config.ts';
import { openStore } from './store/db.ts';
import { getInstallation, updateSettings } from './store/installations.ts';
import { settingsOf } from './sync/installation-settings.ts';
import { applySettingsPatch, presentSettings, settingsPatchIssues, SettingsPatchSchema, storedSettingsKeys } from './sync/settings.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The token key, which these commands never use but the configuration schema requires (as in match-cli.ts). */
const UNUSED = { SWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') };

const fail = (message: string): number => {
  process.stderr.write(`sway: ${message}\n`);
  return 2;
};

/** `a.b.c=value` pairs → a nested patch object; a string describing the first bad pair otherwise. */
export function patchFromPairs(pairs: readonly string[]): Record<string, unknown> | string {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `expected path=value, got ${JSON.stringify(pair)}`;
    const path = pair.slice(0, eq).split('.');
    if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) return `bad setting path ${JSON.stringify(pair.slice(0, eq))}`;
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text (a CRM property name)
    }
    let at = patch;
    for (const key of path.slice(0, -1)) {
      const next = at[key];
      if (next !== undefined && (typeof next !== 'object' || next === null)) return `${path.join('.')} conflicts with another value given`;
      at = (at[key] ??= {}) as Record<string, unknown>;
    }
    at[path.at(-1)!] = value;
  }
  return patch;
}

export function registerSettingsCommands(program: Command, env: Record<string, string | undefined>): void {
  const settings = program.command('settings').description("show or change an installation's settings (matching weights, topK, half-life, attribute fields, stage overrides, handle fields)");

  const withStore = async (installationId: string, body: (db: Awaited<ReturnType<typeof openStore>>['db']) => Promise<number>): Promise<number> => {
    if (!UUID.test(installationId)) return fail(`--installation must be an installation id (a uuid), got ${JSON.stringify(installationId)}`);
    const store = await openStore(loadConfigOrExit({ ...env, ...UNUSED }, { crms: 'ignored' }));
    try {
      if (!(await getInstallation(store.db, installationId))) return fail(`no installation ${installationId} in this store`);
      return await body(store.db);
    } finally {
      await store.close();
    }
  };

  settings
    .command('get')
    .description('print the settings as JSON')
    .requiredOption('--installation <id>', 'the installation (uuid)')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (opts: { installation: string }) => {
      process.exitCode = await withStore(opts.installation, async (db) => {
        const inst = await getInstallation(db, opts.installation);
        process.stdout.write(`${JSON.stringify(presentSettings(settingsOf(inst!)), null, 2)}\n`);
        return 0;
      });
    });

  settings
    .command('set')
    .description('change settings: path=value pairs (null removes an override), or --json PATCH')
    .requiredOption('--installation <id>', 'the installation (uuid)')
    .option('--json <patch>', 'the patch as JSON, as PATCH /api/v1/settings takes it')
    .argument('[pairs...]', 'path=value, e.g. matching.topK=5')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (pairs: string[], opts: { installation: string; json?: string }) => {
      let raw: unknown;
      if (opts.json !== undefined) {
        if (pairs.length > 0) return void (process.exitCode = fail('give path=value pairs or --json, not both'));
        try {
          raw = JSON.parse(opts.json);
        } catch {
          return void (process.exitCode = fail('--json is not valid JSON'));
        }
      } else {
        if (pairs.length === 0) return void (process.exitCode = fail('nothing to set: give path=value pairs or --json'));
        raw = patchFromPairs(pairs);
        if (typeof raw === 'string') return void (process.exitCode = fail(raw));
      }
      const patch = SettingsPatchSchema.safeParse(raw);
      if (!patch.success) {
        for (const i of settingsPatchIssues(patch.error)) process.stderr.write(`sway: ${i.path}: ${i.message}\n`);
        return void (process.exitCode = 2);
      }
      process.exitCode = await withStore(opts.installation, async (db) => {
        const inst = await getInstallation(db, opts.installation);
        const next = applySettingsPatch(settingsOf(inst!), patch.data);
        await updateSettings(db, opts.installation, storedSettingsKeys(next));
        process.stdout.write(`${JSON.stringify(presentSettings(next), null, 2)}\n`);
        return 0;
      });
    });
}
