/**
 * `sway campaigns create|list|start|report` — campaigns from the command line, the same rules
 * as /api/v1/campaigns (src/server/campaigns.ts), on the store only (no CRM, no Redis):
 *
 *   sway campaigns create --installation <id> --spec '{"name":…,"influencers":[…],…}'   (or --spec @file.json)
 *   sway campaigns list   --installation <id> [--json]
 *   sway campaigns start  <campaign> --installation <id> [--json]
 *   sway campaigns report <campaign> --installation <id> [--json]   (measures now and stores the report)
 *
 * Exit codes: 0 done; 1 nothing to do (unknown installation or campaign, a draft's report);
 * 2 bad input (one `sway: …` line per problem, nothing stored). With the embedded store only
 * one process may open it: stop `sway serve` first.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatIssues } from './domain/signals.ts';
import { installationStageMap, measureCampaign } from './jobs/measure.ts';
import { CampaignCreateSchema } from './outcomes/campaign-design.ts';
import { reportLines } from './outcomes/report-text.ts';
import { createCampaign, getCampaign, listCampaigns, presentCampaign, startCampaign } from './store/campaigns.ts';
import { installationRunner, openStoreFromEnvironment, type StoreOpener } from './installation-command.ts';
import { resolvePeople } from './store/people.ts';

export interface CampaignsCommandOptions {
  open?: StoreOpener;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export function registerCampaignCommands(program: Command, env: Record<string, string | undefined>, options: CampaignsCommandOptions = {}): void {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = options.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const exit = (code: number) => void (process.exitCode = code);
  const withInstallation = installationRunner(options.open ?? openStoreFromEnvironment(env), err, exit);
  const usage = (c: Command) => c.exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2));

  const campaigns = program.command('campaigns').description('campaigns measured against a randomised holdout (create, list, start, report)');

  usage(
    campaigns
      .command('create')
      .description('create a draft campaign from a JSON spec (the body POST /api/v1/campaigns takes)')
      .requiredOption('--installation <id>', 'the installation (uuid)')
      .requiredOption('--spec <json>', 'the campaign as JSON, or @file.json')
      .option('--json', 'print the campaign as JSON'),
  ).action((opts: { installation: string; spec: string; json?: boolean }) =>
    withInstallation([['--installation', opts.installation]], opts.installation, async (db) => {
      let raw: unknown;
      try {
        raw = JSON.parse(opts.spec.startsWith('@') ? readFileSync(opts.spec.slice(1), 'utf8') : opts.spec);
      } catch (e) {
        err(`sway: --spec is not valid JSON (${(e as Error).message.split('\n')[0]})`);
        return 2;
      }
      const parsed = CampaignCreateSchema.safeParse(raw);
      if (!parsed.success) {
        for (const i of formatIssues(parsed.error)) err(`sway: ${i.path || '(spec)'}: ${i.message}`);
        return 2;
      }
      const found = await resolvePeople(db, opts.installation, parsed.data.influencers);
      const missing = parsed.data.influencers.filter((id) => !found.has(id));
      if (missing.length > 0) {
        for (const id of missing) err(`sway: influencers: no person ${JSON.stringify(id)}`);
        return 2;
      }
      const row = await createCampaign(db, opts.installation, parsed.data, parsed.data.influencers.map((id) => found.get(id)!.id));
      const view = await presentCampaign(db, row);
      out(opts.json ? JSON.stringify(view) : `created draft campaign ${view.id} (${view.name}); start it with \`sway campaigns start ${view.id} --installation ${opts.installation}\``);
      return 0;
    }),
  );

  usage(
    campaigns
      .command('list')
      .description("the installation's campaigns, newest first")
      .requiredOption('--installation <id>', 'the installation (uuid)')
      .option('--json', 'print them as one JSON array'),
  ).action((opts: { installation: string; json?: boolean }) =>
    withInstallation([['--installation', opts.installation]], opts.installation, async (db) => {
      const views = await Promise.all((await listCampaigns(db, opts.installation)).map((r) => presentCampaign(db, r)));
      if (opts.json) out(JSON.stringify(views));
      else for (const v of views) out(`${v.id}  ${v.status.padEnd(8)}  ${v.name}  readout ${v.design.readoutAt}${v.members ? `  treatment ${v.members.treatment} / control ${v.members.control}` : ''}`);
      return 0;
    }),
  );

  usage(
    campaigns
      .command('start')
      .description('assign arms (stored) and freeze the design; starting again changes nothing')
      .argument('<campaign>', 'the campaign id')
      .requiredOption('--installation <id>', 'the installation (uuid)')
      .option('--json', 'print the campaign as JSON'),
  ).action((id: string, opts: { installation: string; json?: boolean }) =>
    withInstallation([['--installation', opts.installation], ['<campaign>', id]], opts.installation, async (db) => {
      const result = await startCampaign(db, opts.installation, id, await installationStageMap(db, opts.installation));
      if (!result) {
        err(`sway: no campaign ${id} in installation ${opts.installation}`);
        return 1;
      }
      const view = await presentCampaign(db, result.row);
      if (opts.json) out(JSON.stringify(view));
      else out(result.started ? `started ${view.id}: treatment ${view.members!.treatment}, control ${view.members!.control} contacts` : `${view.id} was already ${view.status}; arms unchanged`);
      return 0;
    }),
  );

  usage(
    campaigns
      .command('report')
      .description('measure the campaign now (stored) and print its report')
      .argument('<campaign>', 'the campaign id')
      .requiredOption('--installation <id>', 'the installation (uuid)')
      .option('--json', 'print the report as one JSON object'),
  ).action((id: string, opts: { installation: string; json?: boolean }) =>
    withInstallation([['--installation', opts.installation], ['<campaign>', id]], opts.installation, async (db) => {
      const row = await getCampaign(db, opts.installation, id);
      if (!row) {
        err(`sway: no campaign ${id} in installation ${opts.installation}`);
        return 1;
      }
      if (!row.startedAt) {
        err(`sway: campaign ${id} is a draft: start it before reading a report`);
        return 1;
      }
      const { report, units } = await measureCampaign(db, opts.installation, row);
      if (opts.json) out(JSON.stringify({ units, report }));
      else for (const l of reportLines(row.name, report)) out(l);
      return 0;
    }),
  );
}
