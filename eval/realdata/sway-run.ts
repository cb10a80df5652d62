/**
 * Runs the kit through Sway's real path and returns the matches it stored:
 *
 *   HubSpot sandbox (connectors/hubspot/sandbox, in this process as in src/demo/run-demo.ts)
 *   seeded with one contact per prospect (email u<id>@epinions.invalid, lifecyclestage mapped
 *   from the derived stage) → Sway (store, queues, HTTP server) installed through the OAuth
 *   redirect flow (src/demo/demo-steps.ts) → provision and pull → matching.topK = 10 through
 *   PATCH /api/v1/settings (src/server/settings.ts) → `sway import FILE` as a child process
 *   (one NDJSON file, eval/realdata/signals-file.ts), which queues the score job → score (links contacts to people by email) → match → push, run
 *   by the queue's workers → `sway matches --export csv` as a child process.
 *
 * The embedded store (PGlite) is single-process, so with it the runtime is closed while a
 * child process uses the store and started again after; with DATABASE_URL (own schema, dropped
 * at the end) the runtime stays up and the jobs start as soon as the import queues them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createHubSpotSandbox } from '../../connectors/hubspot/sandbox/index.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { installViaOAuth, waitForIdle } from '../../src/demo/demo-steps.ts';
import { pendingJobs } from '../../src/jobs/queues.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';
import { listRuns, type Run } from '../../src/store/runs.ts';
import type { Kit } from './kit.ts';
import { emailOf, userOf, writeSignalsFile, type SignalsFileCounts } from './signals-file.ts';

const REPO = join(import.meta.dirname, '..', '..');

/** Derived stage → a HubSpot lifecyclestage that Sway's default map sends back to it (connectors/hubspot/stages.ts). */
export const LIFECYCLE_FOR_STAGE: Record<string, string> = {
  awareness: 'lead',
  consideration: 'marketingqualifiedlead',
  decision: 'opportunity',
  purchase: 'customer',
  advocacy: 'evangelist',
};

export interface SwayRunOptions {
  /** Scratch directory (the NDJSON file, the export, PGlite's files). */
  dir: string;
  topK: number;
  personTopics: number;
  env: Record<string, string | undefined>;
  progress: (line: string) => void;
  /** How long to wait for the queue to drain after the import. */
  jobTimeoutMs: number;
}

export interface SwayRunResult {
  /** The run's own BullMQ prefix and (on PostgreSQL) schema, both removed when it ends. */
  queuePrefix: string;
  schema: string | null;
  /** The kit's prospect id → [rank, influencer] from the export. */
  rows: { prospect: number; rank: number; influencer: number }[];
  store: 'pg' | 'pglite';
  file: SignalsFileCounts & { bytes: number };
  contacts: number;
  contactsLinked: number | null;
  prospectsMatched: number;
  /** Seconds: the import command's own figure, and the match job's own run (run history). */
  timings: { importSeconds: number; importWallSeconds: number; scoreSeconds: number | null; matchSeconds: number | null; pushSeconds: number | null; jobsWallSeconds: number; exportSeconds: number };
  failedRuns: string[];
}

interface ChildResult {
  /** The exit code, or the signal that ended the child. */
  code: number | string | null;
  stdout: string;
  stderr: string;
}

function runSwayChild(args: string[], env: Record<string, string>): Promise<ChildResult> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'sway.js'), ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code: code ?? signal, stdout, stderr }));
  });
  // Never leave the child behind if this process is interrupted.
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  return done.finally(() => process.off('exit', kill));
}

export async function runSwayOnKit(kit: Kit, opts: SwayRunOptions): Promise<SwayRunResult> {
  const { progress } = opts;
  const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const databaseUrl = opts.env.DATABASE_URL || undefined;
  const storeEnv: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl, DB_SCHEMA: `eval_realdata_${id}` } : { PGLITE_DIR: join(opts.dir, 'pglite') };
  const childEnv: Record<string, string> = { ...storeEnv, REDIS_URL: opts.env.REDIS_URL ?? 'redis://127.0.0.1:6379', QUEUE_PREFIX: `eval-realdata-${id}` };

  const occurredAt = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000).toISOString();
  const file = join(opts.dir, 'epinions.ndjson');
  progress(`writing ${file} …`);
  const counts = await writeSignalsFile(kit, file, occurredAt, opts.personTopics);
  const bytes = readFileSync(file).byteLength;
  progress(`  ${counts.people.toLocaleString()} people, ${counts.interactions.toLocaleString()} follows, ${counts.conversations.toLocaleString()} reviews (${Math.round(bytes / 1e6)} MB)`);

  const sandbox = createHubSpotSandbox();
  const sandboxUrl = await sandbox.start(0);
  let config: Config;
  let rt: Runtime | null = null;
  /** A runtime being started: a signal's cleanup waits for it, so its workers are closed too. */
  let starting: Promise<Runtime> | null = null;
  const start = (options: { server?: boolean; workers?: boolean }) => (starting = startRuntime(config, options));
  let cleaned: Promise<void> | null = null;
  const cleanup = () =>
    (cleaned ??= (async () => {
      const running = rt ?? (await starting?.catch(() => null));
      await running?.close().catch(() => {});
      await sandbox.stop().catch(() => {});
      // After the workers stopped (obliterating before left keys they wrote while closing).
      await dropQueueKeys(childEnv.REDIS_URL!, childEnv.QUEUE_PREFIX!).catch(() => {});
      if (databaseUrl) await dropSchema(databaseUrl, storeEnv.DB_SCHEMA!).catch(() => {});
    })());
  // Ctrl-C or a timeout's SIGTERM mid-run: still drop the schema and queue keys (children die with this process).
  const onSignal = (signal: NodeJS.Signals) => void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const contacts = kit.prospects.map((p) => ({ email: emailOf(p.user), firstname: `u${p.user}`, lifecyclestage: LIFECYCLE_FOR_STAGE[p.stage] ?? 'other' }));
    sandbox.seedContacts(contacts);
    config = loadConfig({
      ...opts.env,
      ...childEnv,
      SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HUBSPOT_CLIENT_ID: sandbox.clientId,
      HUBSPOT_CLIENT_SECRET: sandbox.clientSecret,
      HUBSPOT_APP_BASE_URL: sandboxUrl,
      HUBSPOT_API_BASE_URL: sandboxUrl,
      PULL_INTERVAL_MINUTES: '0',
      LOG_LEVEL: opts.env.LOG_LEVEL ?? 'warn',
      PORT: '0',
    });
    rt = await start({ server: true, workers: true });
    rt.config.publicUrl = rt.url!;
    progress(`Sway (${config.store.kind} store) installing into the HubSpot sandbox through OAuth; ${contacts.length.toLocaleString()} contacts to pull …`);
    const install = await installViaOAuth(rt.url!);
    const inst = install.installationId;
    await waitForIdle(rt.queues, pendingJobs, (n) => progress(`  … ${n} job(s) pending (provision, pull)`), opts.jobTimeoutMs);
    await patchTopK(rt.url!, install.apiKey, opts.topK);

    const single = config.store.kind === 'pglite';
    if (single) {
      await rt.close();
      rt = null;
      starting = null;
    }
    progress(`sway import ${file} (child process) …`);
    let started = performance.now();
    // The import's own progress bar needs a terminal; say it is still going instead.
    const beat = setInterval(() => progress(`  … importing, ${Math.round((performance.now() - started) / 1000)} s`), 15_000);
    const imp = await runSwayChild(['import', file, '--installation', inst, '--json', '--quiet'], childEnv).finally(() => clearInterval(beat));
    const importWallSeconds = (performance.now() - started) / 1000;
    if (imp.code !== 0) throw new Error(`sway import exited ${imp.code}: ${lastLine(imp.stderr) || lastLine(imp.stdout)}`);
    const summary = JSON.parse(lastLine(imp.stdout)) as { seconds: number; rowsPerSecond: number; scoreJobId: string | null };
    if (!summary.scoreJobId) throw new Error('sway import queued no score job (is Redis reachable?)');
    progress(`  imported in ${summary.seconds} s (${summary.rowsPerSecond.toLocaleString()} rows/s); score → match → push running …`);

    started = performance.now();
    if (single) rt = await start({ workers: true });
    await waitForIdle(rt!.queues, pendingJobs, (n) => progress(`  … ${n} job(s) pending (score, match, push)`), opts.jobTimeoutMs);
    const jobsWallSeconds = (performance.now() - started) / 1000;
    const runs = await listRuns(rt!.store.db, inst);
    const seconds = (kind: Run['kind']) => {
      const r = runs.find((x) => x.kind === kind && x.status === 'succeeded');
      return r?.durationMs != null ? r.durationMs / 1000 : null;
    };
    const score = runs.find((x) => x.kind === 'score' && x.status === 'succeeded');
    const failedRuns = runs.filter((r) => r.status === 'failed').map((r) => `${r.kind}: ${r.errors[0]?.message ?? 'failed'}`);
    if (single) {
      await rt!.close();
      rt = null;
      starting = null;
    }

    progress('sway matches --export csv (child process) …');
    started = performance.now();
    const out = join(opts.dir, 'matches-export.csv');
    const exp = await runSwayChild(['matches', '--installation', inst, '--export', 'csv', '--out', out], childEnv);
    const exportSeconds = (performance.now() - started) / 1000;
    if (exp.code !== 0) throw new Error(`sway matches --export csv exited ${exp.code}: ${lastLine(exp.stderr)}`);
    const records = parse(readFileSync(out), { columns: true }) as { prospect_id: string; rank: string; influencer_id: string }[];
    const rows = records.map((r) => ({ prospect: userOf(r.prospect_id), rank: Number(r.rank), influencer: userOf(r.influencer_id) }));
    const bad = rows.find((r) => Number.isNaN(r.prospect) || Number.isNaN(r.influencer));
    if (bad) throw new Error(`the export names a person this eval did not import (${JSON.stringify(bad)})`);
    return {
      queuePrefix: childEnv.QUEUE_PREFIX!,
      schema: storeEnv.DB_SCHEMA ?? null,
      rows,
      store: config.store.kind,
      file: { ...counts, bytes },
      contacts: contacts.length,
      contactsLinked: typeof score?.counts.linked === 'number' ? score.counts.linked : null,
      prospectsMatched: new Set(rows.map((r) => r.prospect)).size,
      timings: { importSeconds: summary.seconds, importWallSeconds: round(importWallSeconds), scoreSeconds: seconds('score'), matchSeconds: seconds('match'), pushSeconds: seconds('push'), jobsWallSeconds: round(jobsWallSeconds), exportSeconds: round(exportSeconds) },
      failedRuns,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/** PATCH /api/v1/settings {matching: {topK}} as an admin's script would; the answer must show it in force. */
async function patchTopK(swayUrl: string, apiKey: string, topK: number): Promise<void> {
  const res = await fetch(`${swayUrl}/api/v1/settings`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ matching: { topK } }),
  });
  const body = (await res.json().catch(() => null)) as { matching?: { topK?: number } } | null;
  if (res.status !== 200 || body?.matching?.topK !== topK) throw new Error(`PATCH /api/v1/settings did not set topK ${topK} (HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)})`);
}

const round = (s: number) => Math.round(s * 100) / 100;
const lastLine = (s: string) => s.trim().split('\n').at(-1) ?? '';

/** Deletes every key under this run's queue prefix (unique to the run). */
async function dropQueueKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
