/**
 * bench:hubspot — push throughput against the HubSpot sandbox enforcing HubSpot's limit
 * (100 requests / 10 s per account), in one run:
 *   (a) Sway's push engine (shared Redis budget, batches of 100, several in flight);
 *   (b) one SDK call per contact (basicApi.update) with the SDK's limiter and retries,
 *       time-capped (it would take ~33 minutes for 20,000 at 10 records/s);
 *   (c) the SDK's batch API with its own limiter and retries;
 * then re-pushes with nothing changed and with 1% changed, counting write calls.
 * The ceiling is 100 records × limit / interval (1,000 records/s at HubSpot's limit).
 *
 *   npm run bench:hubspot [-- --contacts 20000 --per-record-seconds 20 --limit 100 --interval-ms 10000 --json]
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@hubspot/api-client';
import { Command } from 'commander';
import { createHubSpotSandbox, type HubSpotSandbox } from '../connectors/hubspot/sandbox/index.ts';
import { hubspot } from '../connectors/hubspot/index.ts';
import { loadConfig } from '../src/config.ts';
import { installViaOAuth } from '../src/demo/demo-steps.ts';
import { provisionJob } from '../src/jobs/provision.ts';
import { createLogger } from '../src/logger.ts';
import { startRuntime, type Runtime } from '../src/runtime.ts';
import { getInstallation, unsealTokens } from '../src/store/installations.ts';
import { sessionFor } from '../src/sync/access.ts';
import type { DesiredRecord } from '../src/sync/delta.ts';
import { pushRecords } from '../src/sync/push-engine.ts';

const opts = new Command()
  .option('--contacts <n>', 'contacts to push', (v) => Number.parseInt(v, 10), 20_000)
  .option('--per-record-seconds <s>', 'time cap for the one-call-per-contact run', (v) => Number.parseFloat(v), 20)
  .option('--limit <n>', 'sandbox requests per interval', (v) => Number.parseInt(v, 10), 100)
  .option('--interval-ms <ms>', 'sandbox rate-limit interval', (v) => Number.parseInt(v, 10), 10_000)
  .option('--json', 'print one JSON line with the figures last')
  .parse()
  .opts<{ contacts: number; perRecordSeconds: number; limit: number; intervalMs: number; json?: boolean }>();

const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function desiredFor(ids: string[], variant: number): DesiredRecord[] {
  return ids.map((id, i) => ({
    id,
    properties: hubspot.vendorProperties('contact', {
      influenceScore: (i * 7 + variant) % 101,
      topTopics: variant % 2 ? 'crm;revops' : 'crm',
      conversations30d: (i + variant) % 13,
      advocate: (i + variant) % 3 === 0,
      stage: 'consideration',
    }),
  }));
}

/** Requests and 429s the sandbox saw since `from` (index into its log). */
function phase(sandbox: HubSpotSandbox, from: number) {
  const reqs = sandbox.requests.slice(from).filter((r) => r.path.startsWith('/crm/'));
  return { calls: reqs.length, writes: reqs.filter((r) => r.method !== 'GET' && r.path.includes('/objects/contacts')).length, r429: reqs.filter((r) => r.status === 429).length };
}

async function main() {
  const sandbox = createHubSpotSandbox({ rateLimit: { max: opts.limit, intervalMs: opts.intervalMs } });
  await sandbox.start(0);
  const ids = sandbox.seedContacts(Array.from({ length: opts.contacts }, (_, i) => ({ email: `bench${i}@example.com`, lifecyclestage: 'lead' })));
  const config = loadConfig({
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, DB_SCHEMA: `bench_${randomBytes(4).toString('hex')}` } : { PGLITE_DIR: 'memory://' }),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `sway-bench-${randomBytes(4).toString('hex')}`,
    SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HUBSPOT_CLIENT_ID: sandbox.clientId,
    HUBSPOT_CLIENT_SECRET: sandbox.clientSecret,
    HUBSPOT_APP_BASE_URL: sandbox.url,
    HUBSPOT_API_BASE_URL: sandbox.url,
    HUBSPOT_RATE_LIMIT: String(opts.limit),
    HUBSPOT_RATE_INTERVAL_MS: String(opts.intervalMs),
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const rt: Runtime = await startRuntime(config, { server: true, logger: createLogger('silent') });
  rt.config.publicUrl = rt.url!;
  try {
    const { installationId } = await installViaOAuth(rt.url!);
    await provisionJob(rt.jobs, installationId, 'bench');
    const token = unsealTokens(config.encryptionKey, (await getInstallation(rt.store.db, installationId))!).accessToken;
    const ceiling = (100 * opts.limit * 1000) / opts.intervalMs;
    const deps = {
      db: rt.store.db,
      connector: hubspot,
      installationId,
      objectType: 'contact' as const,
      session: (rejected?: string) => sessionFor(rt.jobs.access, installationId, rejected),
      concurrency: config.pushConcurrency,
    };
    const quiet = () => sleep(opts.intervalMs + 200); // each run starts with an empty window

    log(`(a) Sway engine: ${opts.contacts} changed contacts…`);
    await quiet();
    let mark = sandbox.requests.length;
    let t0 = performance.now();
    const a = await pushRecords(deps, desiredFor(ids, 1));
    const aSec = (performance.now() - t0) / 1000;
    const aPhase = phase(sandbox, mark);
    if (a.counts.written !== opts.contacts) throw new Error(`engine wrote ${a.counts.written} of ${opts.contacts}`);

    log(`(b) one SDK call per contact (capped at ${opts.perRecordSeconds} s)…`);
    await quiet();
    mark = sandbox.requests.length;
    const perRecordClient = new Client({ accessToken: token, basePath: sandbox.url, numberOfApiCallRetries: 6, limiterOptions: { minTime: 1000 / 9, maxConcurrent: 6, id: 'bench-per-record' } });
    const b = desiredFor(ids, 2);
    let bDone = 0;
    let bFailed = 0;
    t0 = performance.now();
    const deadline = t0 + opts.perRecordSeconds * 1000;
    await Promise.all(
      Array.from({ length: 6 }, async (_, lane) => {
        for (let i = lane; i < b.length && performance.now() < deadline; i += 6) {
          try {
            await perRecordClient.crm.contacts.basicApi.update(b[i]!.id, { properties: b[i]!.properties });
            bDone++;
          } catch {
            bFailed++;
          }
        }
      }),
    );
    const bSec = (performance.now() - t0) / 1000;
    const bPhase = phase(sandbox, mark);

    log('(c) SDK batch API with its limiter and retries…');
    await quiet();
    mark = sandbox.requests.length;
    const batchClient = new Client({ accessToken: token, basePath: sandbox.url, numberOfApiCallRetries: 6, limiterOptions: { minTime: 1000 / 9, maxConcurrent: 6, id: 'bench-batch' } });
    const c = desiredFor(ids, 3);
    let cDone = 0;
    let cFailed = 0;
    t0 = performance.now();
    const batches = Array.from({ length: Math.ceil(c.length / 100) }, (_, i) => c.slice(i * 100, (i + 1) * 100));
    await Promise.all(
      batches.map(async (batch) => {
        try {
          await batchClient.crm.contacts.batchApi.update({ inputs: batch.map((r) => ({ id: r.id, properties: r.properties })) });
          cDone += batch.length;
        } catch {
          cFailed += batch.length;
        }
      }),
    );
    const cSec = (performance.now() - t0) / 1000;
    const cPhase = phase(sandbox, mark);

    log('re-push: nothing changed, then 1% changed…');
    // The engine's memory is what it wrote in (a); (b) and (c) wrote behind its back, so first
    // put (a)'s values back with the engine's knowledge intact: re-push (a) after forgetting nothing.
    await quiet();
    const same = desiredFor(ids, 1);
    mark = sandbox.requests.length;
    const unchanged = await pushRecords(deps, same);
    const unchangedWrites = phase(sandbox, mark).writes;
    const changedCount = Math.max(1, Math.floor(opts.contacts / 100));
    const onePct = same.map((d, i) => (i % 100 === 0 && i / 100 < changedCount ? { id: d.id, properties: { ...d.properties, sway_conversations_30d: '9999' } } : d));
    mark = sandbox.requests.length;
    const one = await pushRecords(deps, onePct);
    const oneWrites = phase(sandbox, mark).writes;

    const figures = {
      contacts: opts.contacts,
      ceilingRecordsPerSecond: ceiling,
      engineRecordsPerSecond: Math.round(opts.contacts / aSec),
      engineShareOfCeiling: Math.round((opts.contacts / aSec / ceiling) * 1000) / 1000,
      engineCalls: aPhase.calls,
      engine429s: aPhase.r429,
      perRecordRecordsPerSecond: Math.round((bDone / bSec) * 10) / 10,
      perRecordCalls: bPhase.calls,
      perRecord429s: bPhase.r429,
      perRecordFailed: bFailed,
      sdkBatchRecordsPerSecond: Math.round(cDone / cSec),
      sdkBatchCalls: cPhase.calls,
      sdkBatch429s: cPhase.r429,
      sdkBatchFailedRecords: cFailed,
      unchangedWriteCalls: unchangedWrites,
      unchangedSkipped: unchanged.counts.skipped,
      onePercentChanged: one.counts.changed,
      onePercentWriteCalls: oneWrites,
      onePercentCeiling: Math.ceil(one.counts.changed / 100) + 1,
    };
    const rows: [string, string][] = [
      ['ceiling (records/s)', String(ceiling)],
      ['(a) Sway engine', `${figures.engineRecordsPerSecond} rec/s (${Math.round(figures.engineShareOfCeiling * 100)}% of ceiling), ${figures.engineCalls} calls, ${figures.engine429s} × 429`],
      ['(b) SDK, one call per contact', `${figures.perRecordRecordsPerSecond} rec/s, ${figures.perRecordCalls} calls, ${figures.perRecord429s} × 429, ${bFailed} failed (capped at ${opts.perRecordSeconds} s)`],
      ['(c) SDK batch + limiter/retries', `${figures.sdkBatchRecordsPerSecond} rec/s, ${figures.sdkBatchCalls} calls, ${figures.sdkBatch429s} × 429, ${cFailed} records failed`],
      ['re-push, nothing changed', `${unchangedWrites} write calls`],
      ['re-push, 1% changed', `${one.counts.changed} changed → ${oneWrites} write calls (ceiling ${figures.onePercentCeiling})`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`\nbench:hubspot — ${opts.contacts} contacts, sandbox limit ${opts.limit}/${opts.intervalMs} ms\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`);
    if (opts.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    for (const q of Object.values(rt.queues)) await q.obliterate({ force: true }).catch(() => {});
    await rt.close();
    await sandbox.stop();
    if (config.store.kind === 'pg') {
      const { dropSchema } = await import('../test/helpers/harness.ts');
      await dropSchema(config.store.url, config.store.schema);
    }
  }
}

await main();
