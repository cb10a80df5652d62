/**
 * `sway match` — run a match recompute now, in this process (the match job does the same on a
 * schedule): `--full` recomputes everything, `--incremental` only prospects whose inputs
 * changed since the last full run (the default picks incremental when a snapshot exists).
 *
 * `sway matches --export csv` — every stored match, one row per prospect and rank, to stdout
 * or `--out FILE`.
 *
 * Registered by src/cli.ts. Like `sway import`, these touch no OAuth token and call no CRM, so
 * only the store settings are needed. Exit codes: 0 done; 2 usage (one `sway: …` line);
 * 1 unexpected failure.
 */
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify';
import { loadConfigOrExit } from './config.ts';
import { fullMatchRun, scoreProspects, type MatchRunResult } from './jobs/match-run.ts';
import { COMPONENTS } from './matching/weights.ts';
import { openStore } from './store/db.ts';
import { getInstallation } from './store/installations.ts';
import { allMatches } from './store/matches.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The token key, which these commands never use but the configuration schema requires. */
const UNUSED = { SWAY_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') };

async function withInstallation<T>(env: Record<string, string | undefined>, installationId: string, body: (db: Awaited<ReturnType<typeof openStore>>['db']) => Promise<T>): Promise<T | number> {
  if (!UUID.test(installationId)) {
    process.stderr.write(`sway: --installation must be an installation id (a uuid), got ${JSON.stringify(installationId)}\n`);
    return 2;
  }
  const store = await openStore(loadConfigOrExit({ ...env, ...UNUSED }, { crms: 'ignored' }));
  try {
    if (!(await getInstallation(store.db, installationId))) {
      process.stderr.write(`sway: no installation ${installationId} in this store\n`);
      return 2;
    }
    return await body(store.db);
  } finally {
    await store.close();
  }
}

export function registerMatchCommands(program: Command, env: Record<string, string | undefined>): void {
  program
    .command('match')
    .description('recompute influencer matches now: --full, or --incremental (prospects whose inputs changed since the last full run)')
    .requiredOption('--installation <id>', 'the installation (uuid)')
    .option('--full', 'recompute every prospect and the topical authority')
    .option('--incremental', 'only prospects changed since the last full run (falls back to full when there is none)')
    .option('--json', 'print the figures as one JSON object on the last line')
    .option('--quiet', 'no progress bar')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (opts: { installation: string; full?: boolean; incremental?: boolean; json?: boolean; quiet?: boolean }) => {
      if (opts.full && opts.incremental) {
        process.stderr.write('sway: give --full or --incremental, not both\n');
        return process.exit(2);
      }
      const started = performance.now();
      const bar = !opts.quiet && process.stderr.isTTY ? new SingleBar({ format: ' {phase} [{bar}] {value}/{total}', hideCursor: true }, Presets.shades_classic) : null;
      let phase = '';
      const onProgress = (name: string, done: number, total: number) => {
        if (!bar) return;
        if (name !== phase) {
          if (phase) bar.stop();
          phase = name;
          bar.start(total, done, { phase: name.padEnd(12) });
        } else bar.update(done);
      };
      const code = await withInstallation(env, opts.installation, async (db) => {
        let result: MatchRunResult | null = null;
        if (!opts.full) result = await scoreProspects(db, opts.installation, { changed: true }, { onProgress });
        result ??= await fullMatchRun(db, opts.installation, { onProgress });
        bar?.stop();
        const seconds = Math.round((performance.now() - started) / 10) / 100;
        const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
        const dirty = result.dirty !== undefined ? `, ${result.dirty.toLocaleString()} changed` : '';
        process.stdout.write(
          `${result.mode} match run: ${result.scored.toLocaleString()} of ${result.prospects.toLocaleString()} prospects scored${dirty}, ` +
            `${result.matchesWritten.toLocaleString()} matches written, ${result.people.toLocaleString()} people, ${result.interactions.toLocaleString()} interactions read, ` +
            `${seconds} s, peak RSS ${peakRssMb} MB\n`,
        );
        if (opts.json) process.stdout.write(`${JSON.stringify({ ...result, seconds, peakRssMb })}\n`);
        return 0;
      });
      process.exit(code);
    });

  program
    .command('matches')
    .description('export stored matches')
    .requiredOption('--installation <id>', 'the installation (uuid)')
    .requiredOption('--export <format>', 'csv')
    .option('--out <file>', 'write to a file instead of stdout')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (opts: { installation: string; export: string; out?: string }) => {
      if (opts.export !== 'csv') {
        process.stderr.write(`sway: unknown --export format ${JSON.stringify(opts.export)}: use csv\n`);
        return process.exit(2);
      }
      const code = await withInstallation(env, opts.installation, async (db) => {
        const rows = await allMatches(db, opts.installation);
        const columns = ['crm_id', 'prospect_id', 'stage', 'rank', 'influencer_id', 'influencer_name', 'score', 'reason', ...COMPONENTS, 'computed_at'];
        const records = rows.map((r) => {
          const values = (Array.isArray(r.component_values) ? r.component_values : []) as number[];
          return [r.crm_id, r.prospect_id, r.stage, r.rank, r.influencer_id, r.influencer_name ?? '', r.score, r.reason, ...COMPONENTS.map((_, i) => values[i] ?? ''), new Date(r.computed_at as string).toISOString()];
        });
        const sink = opts.out ? createWriteStream(opts.out) : new Writable({ write: (chunk, _enc, cb) => void process.stdout.write(chunk, cb) });
        await pipeline(stringify([columns, ...records]), sink);
        if (opts.out) process.stderr.write(`sway: ${records.length.toLocaleString()} matches written to ${opts.out}\n`);
        return 0;
      });
      process.exitCode = code;
    });
}
