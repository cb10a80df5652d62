/**
 * `npm run chaos [-- --contacts 10000 --kills 20 --seed 1 --smoke --json]` — Sway under crashes
 * and outages (issue 17), end to end with real processes:
 *
 * 1. A HubSpot sandbox with N contacts (100 requests per 1 s window: HubSpot's shape, faster),
 *    a private Redis (AOF, own port: restarting it disturbs no one else), a PostgreSQL schema of
 *    its own, `sway serve --no-workers` and one `sway worker` as child processes.
 * 2. Install through the real OAuth flow, ingest the demo's synthetic market, then kill the
 *    worker with SIGKILL at random moments while a pull, score, match or push run is going
 *    (whichever has had fewest kills), restarting it each time; rounds of new CRM changes and
 *    signals keep work coming until every kill is spent. On the way, every PostgreSQL
 *    connection of Sway's schema is terminated once and Redis is restarted once; /healthz is
 *    polled throughout.
 * 3. A CRM outage (every call 503) and a hung CRM (calls accepted, never answered), each long
 *    enough to fail push runs and spend job retries (backoff scaled down by config), then the
 *    CRM answers again.
 * 4. The verdict, as one JSON line: every contact holds exactly the values the store says
 *    (missing, wrong), every prospect with interactions has matches, no job stuck or failed,
 *    and CRM write calls against the minimum (one batch per 100 contacts whose values changed
 *    in each round). Exit code 1 when any check fails.
 *
 * Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test: workers in
 * several processes cannot share the embedded store) and `redis-server` on the PATH.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createHubSpotSandbox } from '../connectors/hubspot/sandbox/index.ts';
import { loadConfig } from '../src/config.ts';
import { installViaOAuth, postSignals } from '../src/demo/demo-steps.ts';
import { generateMarket } from '../src/demo/synthetic.ts';
import { closeQueues, createQueues, pendingJobs, redisConnection } from '../src/jobs/queues.ts';
import { applicationName, openStore } from '../src/store/db.ts';
import { checkValues, prospectsWithoutMatches, stuckJobs } from './checks.ts';
import { freePort, PrivateRedis } from './redis-server.ts';
import { SwayProcess } from './sway-process.ts';
import { mulberry32 } from '../src/domain/prng.ts';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const num = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const smoke = flag('smoke');
const CONTACTS = num('contacts', smoke ? 1000 : 10_000);
const KILLS = num('kills', smoke ? 4 : 20);
const rnd = mulberry32(num('seed', 1));
// Longer than the push engine's own retries of a batch (~15 s), so runs fail and the queue's
// backoff takes over, as in a 30-minute outage with the default settings.
const OUTAGE_MS = num('outage-ms', smoke ? 20_000 : 60_000);
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const KINDS = ['pull', 'score', 'match', 'push'] as const;
const log = (msg: string) => process.stderr.write(`[chaos] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redis = new PrivateRedis(await freePort());
await redis.start();
const sandbox = createHubSpotSandbox({ rateLimit: { max: 100, intervalMs: 1000 } });
await sandbox.start(0);
const market = generateMarket({ contacts: CONTACTS, seed: num('seed', 1) });
const crmIds = sandbox.seedContacts(market.contacts);
const tag = randomBytes(4).toString('hex');
const schema = `chaos_${tag}`;
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
// Backoff and stall detection scaled down (README "Reliability": the defaults are 5 s doubling to
// 10 min, 15 attempts, 30 s stalls); the CRM timeout likewise.
const env: Record<string, string> = {
  PATH: process.env.PATH!,
  HOME: process.env.HOME ?? '/tmp',
  DATABASE_URL,
  DB_SCHEMA: schema,
  REDIS_URL: redis.url,
  QUEUE_PREFIX: `chaos-${tag}`,
  SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  HUBSPOT_CLIENT_ID: sandbox.clientId,
  HUBSPOT_CLIENT_SECRET: sandbox.clientSecret,
  HUBSPOT_APP_BASE_URL: sandbox.url,
  HUBSPOT_API_BASE_URL: sandbox.url,
  HUBSPOT_RATE_INTERVAL_MS: '1000',
  HUBSPOT_TIMEOUT_MS: '2000',
  PUBLIC_URL: url,
  PORT: String(port),
  // A killed job resumes after this; short, but not so short that a busy machine's CPU-bound
  // score or match run (seconds of synchronous work on 2 loaded cores) misses BullMQ's lock
  // renewal and is taken for stalled (at 1–4 s, runs were "stalled" 50 times without a kill).
  JOB_STALL_MS: smoke ? '6000' : '15000',
  JOB_BACKOFF_MS: '200',
  JOB_BACKOFF_MAX_MS: '2000',
  SCORE_DEBOUNCE_MS: '1000',
  PULL_INTERVAL_MINUTES: '0',
  LOG_LEVEL: 'warn',
};
const serve = new SwayProcess(['serve', '--no-workers'], env);
const worker = new SwayProcess(['worker'], env);
let healthFailures = 0;
let polling = true;

const result = await (async () => {
  serve.start();
  for (let i = 0; i < 300 && !(await fetch(`${url}/healthz`).then((r) => r.ok, () => false)); i++) await sleep(100);
  const healthPoll = (async () => {
    while (polling) {
      if (!(await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false))) healthFailures++;
      await sleep(500);
    }
  })();
  const { installationId, apiKey } = await installViaOAuth(url);
  log(`installed ${installationId}; ${CONTACTS} contacts in the sandbox`);
  const store = await openStore(loadConfig({ ...env, LOG_LEVEL: 'silent' }));
  const connection = redisConnection(redis.url);
  connection.on('error', () => {});
  const queues = createQueues(connection, env.QUEUE_PREFIX!);
  const monitor = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await monitor.connect();
  // The market's people and interactions go in before any worker runs: one pull → score →
  // match → push chain then covers them (and the minimum write count is one push of them).
  await postSignals(url, apiKey, market);
  worker.start();
  let workerStartedAt = new Date();
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  const idle = async (timeoutMs = 600_000) => {
    const deadline = Date.now() + timeoutMs;
    while ((await pendingJobs(queues).catch(() => 1)) > 0) {
      if (Date.now() > deadline) return false;
      await sleep(250);
    }
    return true;
  };
  // Minimum writes: one batch per 100 contacts whose Sway values changed in a round.
  let lastValues = new Map<string, string>();
  let minimumWriteCalls = 0;
  const roundDone = () => {
    const now = new Map(sandbox.listContacts().map((c) => [c.id, JSON.stringify(Object.entries(c.properties).filter(([k]) => k.startsWith('sway_')).sort())]));
    let changed = 0;
    for (const [id, v] of now) if ((lastValues.get(id) ?? '[]') !== v) changed++;
    minimumWriteCalls += Math.ceil(changed / 100);
    lastValues = now;
  };
  const writeCalls = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/contacts/batch/update')).length;

  const killsByPhase: Record<string, number> = { pull: 0, score: 0, match: 0, push: 0 };
  let kills = 0;
  let pgDrops = 0;
  const dropPostgres = async () => {
    const r = await monitor.query('SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName(schema)]);
    pgDrops++;
    log(`terminated ${r.rows[0].n} PostgreSQL connections of ${schema}`);
  };

  for (let round = 0; kills < KILLS && round < 12; round++) {
    if (round > 0) {
      // New work, one kind a round (each starts one chain): CRM changes an incremental pull
      // reads, or new signals for some prospects.
      const stages = ['lead', 'opportunity', 'customer', 'subscriber'];
      if (round % 2 === 1) {
        for (let i = 0; i < CONTACTS; i += 7) sandbox.updateContact(crmIds[(i + round) % CONTACTS]!, { lifecyclestage: stages[(i + round) % stages.length]! });
        await api('POST', '/api/v1/runs/pull/retry');
      } else {
      const prospects = market.people.filter((p) => p.id.startsWith('prospect-'));
      const interactions = prospects
        .filter((_, i) => i % 9 === round % 9)
        .map((p, i) => ({ externalId: `chaos-${round}-${i}`, from: `influencer-${i % 20}`, to: p.id, kind: 'reply', topics: ['crm'], sentiment: 0.4, occurredAt: new Date().toISOString() }));
      for (let i = 0; i < interactions.length; i += 5000) await api('POST', '/api/v1/signals', { interactions: interactions.slice(i, i + 5000) });
      }
    }
    // Kill at random moments while a run of a coalesced kind is going.
    while (kills < KILLS && (await pendingJobs(queues).catch(() => 1)) > 0) {
      const r = await monitor.query<{ kind: string }>("SELECT DISTINCT kind FROM runs WHERE status = 'running' AND started_at > $1", [workerStartedAt]).catch(() => ({ rows: [] as { kind: string }[] }));
      const running = r.rows.map((x) => x.kind).filter((k): k is (typeof KINDS)[number] => (KINDS as readonly string[]).includes(k));
      if (running.length === 0) {
        await sleep(50);
        continue;
      }
      // Spread over the kinds: a kind past its share waits for the others (for six rounds).
      const share = Math.ceil(KILLS / KINDS.length);
      const target = running.sort((a, b) => killsByPhase[a]! - killsByPhase[b]!)[0]!;
      if (killsByPhase[target]! >= share && round < 6) {
        await sleep(50);
        continue;
      }
      await sleep(Math.floor(rnd() * 600));
      // Once, while a run is going: every PostgreSQL connection of Sway's schema dropped under it
      // (the worker's run fails and is retried; the server keeps answering).
      if (pgDrops === 0 && kills + 1 >= Math.ceil(KILLS / 3)) {
        await dropPostgres();
        await sleep(500);
      }
      await worker.kill('SIGKILL');
      kills++;
      killsByPhase[target]!++;
      log(`kill ${kills}/${KILLS} during ${target}`);
      if (kills === Math.ceil((2 * KILLS) / 3)) {
        await redis.restart();
        log('restarted Redis');
      }
      worker.start();
      workerStartedAt = new Date();
    }
    if (!(await idle())) break;
    roundDone();
    log(`round ${round} done: ${kills} kills, ${writeCalls()} write calls, minimum ${minimumWriteCalls}`);
  }
  const afterKills = { writeCalls: writeCalls(), minimumWriteCalls };

  // Outages: every CRM call 503s, then every CRM call hangs; each ends, and the work must finish.
  const outage = async (name: string, faults: Parameters<typeof sandbox.setFaults>[0]) => {
    const before = (await monitor.query<{ n: string }>("SELECT count(*) AS n FROM runs WHERE kind = 'push' AND status = 'failed'")).rows[0]!.n;
    const prospects = market.people.filter((p) => p.id.startsWith('prospect-'));
    const interactions = prospects.filter((_, i) => i % 5 === 0).map((p, i) => ({ externalId: `${name}-${i}`, from: `influencer-${(i + 3) % 20}`, to: p.id, kind: 'share', topics: ['crm'], sentiment: 0.5, occurredAt: new Date().toISOString() }));
    sandbox.setFaults(faults);
    for (let i = 0; i < interactions.length; i += 5000) await api('POST', '/api/v1/signals', { interactions: interactions.slice(i, i + 5000) });
    await sleep(OUTAGE_MS);
    sandbox.setFaults({});
    const done = await idle();
    roundDone();
    const failed = Number((await monitor.query<{ n: string }>("SELECT count(*) AS n FROM runs WHERE kind = 'push' AND status = 'failed'")).rows[0]!.n) - Number(before);
    const values = await checkValues(store.db, installationId, sandbox);
    log(`${name}: ${failed} push runs failed during it; afterwards missing ${values.missing}, wrong ${values.wrong}`);
    return { pushRunsFailed: failed, finished: done, missing: values.missing, wrong: values.wrong };
  };
  const outage503 = await outage('outage503', { rate5xx: 1 });
  const hung = await outage('hung', { latencyMs: 60_000 });

  const values = await checkValues(store.db, installationId, sandbox);
  const matchesMissing = await prospectsWithoutMatches(store.db, installationId);
  const stuck = await stuckJobs(queues);
  polling = false;
  await healthPoll;
  const out = {
    kills,
    contacts: CONTACTS,
    missing: values.missing,
    wrong: values.wrong,
    matchesMissing,
    stuckJobs: stuck.total,
    writeCalls: afterKills.writeCalls,
    minimumWriteCalls: afterKills.minimumWriteCalls,
    killsByPhase,
    linkedContacts: values.contacts,
    pgDrops,
    redisRestarts: redis.restarts,
    healthFailures,
    serverAlive: serve.alive,
    outage503,
    hung,
    stuckByState: stuck.byState,
    failedJobs: stuck.failed,
    examples: values.examples,
  };
  await monitor.end();
  await closeQueues(queues);
  connection.disconnect();
  await store.close();
  return out;
})().catch((err) => {
  log(`failed: ${(err as Error).stack}`);
  log(`worker: ${worker.tail.slice(-10).join('\n')}`);
  return null;
});

polling = false;
await worker.kill();
await serve.kill('SIGTERM');
await redis.destroy();
const dropper = new pg.Client({ connectionString: DATABASE_URL });
await dropper.connect();
await dropper.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
await dropper.end();
void sandbox.stop();

if (!result) process.exit(1);
const ok =
  result.kills >= KILLS &&
  result.missing === 0 &&
  result.wrong === 0 &&
  result.matchesMissing === 0 &&
  result.stuckJobs === 0 &&
  result.writeCalls <= 1.2 * result.minimumWriteCalls &&
  result.serverAlive &&
  result.outage503.missing + result.outage503.wrong + result.hung.missing + result.hung.wrong === 0;
if (!flag('json')) {
  process.stdout.write(
    `kills ${result.kills} (${JSON.stringify(result.killsByPhase)}), contacts ${result.contacts} (${result.linkedContacts} linked): missing ${result.missing}, wrong ${result.wrong}, ` +
      `prospects without matches ${result.matchesMissing}, stuck jobs ${result.stuckJobs}, write calls ${result.writeCalls} (minimum ${result.minimumWriteCalls}, ceiling ${Math.floor(1.2 * result.minimumWriteCalls)})\n`,
  );
}
const { kills, contacts, missing, wrong, matchesMissing, stuckJobs: stuckCount, writeCalls, minimumWriteCalls, ...rest } = result;
process.stdout.write(`${JSON.stringify({ kills, contacts, missing, wrong, matchesMissing, stuckJobs: stuckCount, writeCalls, minimumWriteCalls, ok, ...rest })}\n`);
process.exit(ok ? 0 : 1);
