/**
 * `sway demo`: the whole product on one machine. Starts the HubSpot sandbox, starts Sway
 * against it, installs through the real OAuth redirect flow, seeds contacts, sends a
 * synthetic social data set through the ingest API, lets the real queue run
 * provision → pull → score → match → push, then prints what happened — with, for a few
 * prospects, their stage, top influencers and the reasons, and a campaign measured against a
 * holdout with a planted effect (campaign-demo.ts) — and one JSON line with --json.
 *
 * The demo keeps its own embedded store under ./.data/demo (or schema sway_demo on
 * DATABASE_URL), reset at each run so its figures describe this run only.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createHubSpotSandbox } from '../../connectors/hubspot/sandbox/index.ts';
import { loadConfig, ConfigError } from '../config.ts';
import { pendingJobs } from '../jobs/queues.ts';
import { startRuntime } from '../runtime.ts';
import { countLinkedContacts } from '../store/crm-records.ts';
import { DirLockedError, lockOwner } from '../store/dir-lock.ts';
import { countInstallations } from '../store/installations.ts';
import { countPushedRecords } from '../store/pushed-values.ts';
import { listRuns, type Run } from '../store/runs.ts';
import { countMatchedProspects, matchesForContact, type StoredMatch } from '../store/matches.ts';
import { runCampaignDemo } from './campaign-demo.ts';
import { installViaOAuth, postSignals, waitForIdle } from './demo-steps.ts';
import { printSteadyState, runSteadyState } from './steady-state.ts';
import { generateMarket } from './synthetic.ts';

export interface DemoOptions {
  json?: boolean;
  serve?: boolean;
  contacts: number;
  /** After the demo, this many minutes of pull cycles with nothing new; writes and reads are counted (src/demo/steady-state.ts). */
  steadyMinutes?: number;
}

const say = (msg: string) => process.stderr.write(`${msg}\n`);

/** A key for the demo's own store, kept beside it, so no setup is needed to try Sway. */
function demoEncryptionKey(dataDir: string): string {
  const file = join(dataDir, 'demo-encryption.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}

export async function runDemo(env: Record<string, string | undefined>, opts: DemoOptions): Promise<number> {
  if (!Number.isInteger(opts.contacts) || opts.contacts < 1 || opts.contacts > 100_000) {
    say('sway: --contacts must be a whole number from 1 to 100000');
    return 2;
  }
  const steadyMinutes = opts.steadyMinutes ?? 0;
  if (!Number.isFinite(steadyMinutes) || steadyMinutes < 0 || steadyMinutes > 24 * 60) {
    say('sway: --steady-minutes must be a number of minutes from 0 to 1440');
    return 2;
  }
  const started = Date.now();
  const dataRoot = dirname(env.PGLITE_DIR ?? './.data/pglite');
  const demoDir = join(dataRoot, 'demo');
  // A running `demo --serve` holds this directory: refuse before deleting its data (dir-lock.ts).
  const holder = existsSync(demoDir) ? lockOwner(demoDir) : null;
  if (holder) throw new DirLockedError(demoDir, holder);
  rmSync(demoDir, { recursive: true, force: true });

  const sandbox = createHubSpotSandbox();
  const sandboxUrl = await sandbox.start(0);
  say(`• HubSpot sandbox (portal ${sandbox.portalId}) at ${sandboxUrl}`);

  let config;
  try {
    config = loadConfig({
      ...env,
      PGLITE_DIR: demoDir,
      DB_SCHEMA: env.DATABASE_URL ? 'sway_demo' : 'public',
      QUEUE_PREFIX: `sway-demo-${process.pid}-${Date.now()}`,
      SWAY_ENCRYPTION_KEY: env.SWAY_ENCRYPTION_KEY || demoEncryptionKey(dataRoot),
      HUBSPOT_CLIENT_ID: sandbox.clientId,
      HUBSPOT_CLIENT_SECRET: sandbox.clientSecret,
      HUBSPOT_APP_BASE_URL: sandboxUrl,
      HUBSPOT_API_BASE_URL: sandboxUrl,
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
      PORT: opts.serve ? (env.PORT ?? '3000') : '0',
    });
  } catch (err) {
    await sandbox.stop();
    if (err instanceof ConfigError) {
      for (const p of err.problems) say(`sway: configuration error: ${p}`);
      return 2;
    }
    throw err;
  }
  if (config.store.kind === 'pg') await dropDemoSchema(config.store.url);

  const market = generateMarket({ contacts: opts.contacts });
  sandbox.seedContacts(market.contacts);
  say(`• seeded ${market.contacts.length} contacts in the sandbox`);

  const rt = await startRuntime(config, { server: true, workers: true }).catch(async (err) => {
    await sandbox.stop();
    throw err;
  });
  // The redirect URI must point at the port we actually got.
  rt.config.publicUrl = rt.url!;
  const cleanup = async () => {
    for (const q of Object.values(rt.queues)) await q.obliterate({ force: true }).catch(() => {});
    await rt.close();
    await sandbox.stop();
  };
  try {
    say(`• Sway (${config.store.kind} store) at ${rt.url}; installing through OAuth…`);
    const install = await installViaOAuth(rt.url!);
    say(`• installed into portal ${install.portalId}; provisioning properties and reading contacts…`);
    await waitForIdle(rt.queues, pendingJobs, (n) => say(`  … ${n} job(s) pending`));

    say(`• sending ${market.people.length} people and ${market.interactions.length} interactions to POST /api/v1/signals…`);
    const ingest = await postSignals(rt.url!, install.apiKey, market);
    await waitForIdle(rt.queues, pendingJobs, (n) => say(`  … ${n} job(s) pending`));
    const campaign = await runCampaignDemo({ url: rt.url!, apiKey: install.apiKey, db: rt.store.db, queues: rt.queues, sandbox, installationId: install.installationId, market, say });

    const runs = await listRuns(rt.store.db, install.installationId);
    const failed = runs.filter((r) => r.status === 'failed');
    const latest = (kind: Run['kind']) => runs.find((r) => r.kind === kind && r.status === 'succeeded');
    const push = latest('push');
    const summary = {
      installations: await countInstallations(rt.store.db),
      contacts: sandbox.listContacts().length,
      peopleIngested: ingest.peopleUpserted,
      interactionsIngested: ingest.interactionsStored + ingest.interactionsDuplicate,
      contactsLinked: await countLinkedContacts(rt.store.db, install.installationId),
      // Distinct contacts holding Sway's values: pushes are deltas, so one run's count is not it.
      contactsPushed: await countPushedRecords(rt.store.db, install.installationId, 'contact'),
      prospectsMatched: await countMatchedProspects(rt.store.db, install.installationId),
      pushFailures: push?.counts.failed ?? 0,
      pushRuns: runs.filter((r) => r.kind === 'push').length,
      propertiesCreated: latest('provision')?.counts.created ?? 0,
      requests429: sandbox.requests.filter((r) => r.status === 429).length,
      hubspotRequests: sandbox.requests.length,
      failedRuns: failed.length,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    printSummary(summary, sandbox.getContact(firstPushedId(sandbox) ?? '') ?? null);
    printMatches(await sampleMatches(rt.store.db, install.installationId, sandbox.listContacts()));
    process.stdout.write(`A campaign measured against its holdout (sway campaigns report <id>):\n${campaign.lines.join('\n')}\n\n`);
    const steady = steadyMinutes > 0
      ? await runSteadyState({ db: rt.store.db, queues: rt.queues, sandbox, installationId: install.installationId, say }, steadyMinutes)
      : null;
    if (steady) printSteadyState(steady);
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, ...campaign.result, ...steady })}\n`);
    if (opts.serve) {
      say(`• --serve: Sway at ${rt.url}, sandbox at ${sandboxUrl}; Ctrl-C to stop`);
      say(serveNextSteps(rt.url!, install, firstPushedId(sandbox)));
      process.once('SIGINT', () => void cleanup().then(() => process.exit(0)));
      process.once('SIGTERM', () => void cleanup().then(() => process.exit(0)));
      return 0;
    }
    await cleanup();
    for (const r of failed) say(`sway: ${r.kind} run failed: ${r.errors[0]?.message ?? 'unknown error'}`);
    return failed.length === 0 && summary.contactsPushed === summary.contactsLinked && (steady?.steadyWriteCalls ?? 0) === 0 ? 0 : 1;
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }
}

/** What to do with a running demo: the ids and key it made, and calls to try (stderr: stdout ends with the --json line). */
function serveNextSteps(url: string, install: { installationId: string; apiKey: string }, crmId: string | undefined): string {
  const auth = '-H "Authorization: Bearer $SWAY_API_KEY"';
  return [
    `  installation id  ${install.installationId}`,
    `  API key          ${install.apiKey}   (shown once: Sway keeps only its hash)`,
    '  next steps:',
    `    export SWAY_API_KEY=${install.apiKey}`,
    `    curl ${auth} ${url}/api/v1/runs   # what ran`,
    ...(crmId ? [`    curl ${auth} ${url}/api/v1/prospects/${crmId}/matches   # a prospect's influencers`] : []),
    `    curl ${auth} -H 'content-type: application/json' -d '{"people":[{"id":"you","name":"You"}]}' ${url}/api/v1/signals   # send data`,
    '    Ctrl-C here before `sway import` or `sway match` on this store: the embedded store allows one process',
  ].join('\n');
}

function firstPushedId(sandbox: ReturnType<typeof createHubSpotSandbox>): string | undefined {
  return sandbox.listContacts().find((c) => c.properties.sway_influence_score)?.id;
}

/** Up to three prospects at different stages, each with their stored matches. */
async function sampleMatches(db: Parameters<typeof matchesForContact>[0], installationId: string, contacts: { id: string; properties: Record<string, string | null> }[]) {
  const out: { contact: string; name: string; matches: StoredMatch[] }[] = [];
  const stages = new Set<string>();
  for (const c of contacts) {
    if (out.length === 3) break;
    const found = await matchesForContact(db, installationId, c.id);
    const stage = found?.matches[0]?.stage;
    if (!stage || stages.has(stage)) continue;
    stages.add(stage);
    out.push({ contact: c.id, name: [c.properties.firstname, c.properties.lastname].filter(Boolean).join(' '), matches: found.matches });
  }
  return out;
}

function printMatches(samples: Awaited<ReturnType<typeof sampleMatches>>): void {
  if (samples.length === 0) return;
  const lines = samples.flatMap((s) => [
    `  ${s.name || 'contact'} (contact ${s.contact}), ${s.matches[0]!.stage} stage:`,
    ...s.matches.map((m) => `    ${m.rank}. ${m.influencer.name ?? m.influencer.id}  ${(m.score * 100).toFixed(1)}  — ${m.reason}`),
  ]);
  process.stdout.write(`Who can move them now (GET /api/v1/prospects/:crmId/matches):\n${lines.join('\n')}\n\n`);
}

function printSummary(s: Record<string, number>, example: { id: string; properties: Record<string, string | null> } | null): void {
  const rows: [string, number | string][] = [
    ['installations', s.installations!],
    ['contacts in HubSpot', s.contacts!],
    ['people ingested', s.peopleIngested!],
    ['interactions ingested', s.interactionsIngested!],
    ['contacts linked to people', s.contactsLinked!],
    ['contacts pushed', s.contactsPushed!],
    ['prospects matched', s.prospectsMatched!],
    ['properties created', s.propertiesCreated!],
    ['HubSpot requests (429s)', `${s.hubspotRequests} (${s.requests429})`],
    ['seconds', s.seconds!],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\nSway demo\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`);
  if (example) {
    const sway = Object.entries(example.properties).filter(([k, v]) => k.startsWith('sway_') && v !== null && v !== '');
    process.stdout.write(`\nContact ${example.id} in HubSpot now holds:\n${sway.map(([k, v]) => `  ${k} = ${v}`).join('\n')}\n\n`);
  }
}

async function dropDemoSchema(url: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS sway_demo CASCADE');
  } finally {
    await client.end();
  }
}
