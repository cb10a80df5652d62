/**
 * bench:ingest — how fast social data gets into PostgreSQL, beside the store's own ceiling
 * measured in the same run:
 *   COPY   a raw binary COPY of the same interaction rows straight into the interactions table;
 *   API    POST /api/v1/signals from this process to a `sway serve` child process (batches of
 *          5,000, several in flight), so load generation and serving do not share a core;
 *   file   `sway import` of an NDJSON file in a child process (rows/s and its peak RSS).
 * Each run starts from an empty interactions table (TRUNCATE), and by default all three store
 * the same --interactions rows: B-tree inserts slow down as the indexes outgrow PostgreSQL's
 * buffers, so runs into a fuller table would not compare. `--file-mb` imports a file of that
 * size instead (the memory check: a 2 GB file).
 *
 *   npm run bench:ingest [-- --interactions 500000 --file-mb 2048 --json]
 * Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test) and Redis.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Command } from 'commander';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openStore } from '../src/store/db.ts';
import { createApiKey } from '../src/store/api-keys.ts';
import { saveInstallation } from '../src/store/installations.ts';
import { encodeInteractions, INTERACTION_COPY_COLUMNS, ROW_ENDS } from '../src/store/copy-binary.ts';

const opts = new Command()
  .option('--interactions <n>', 'interactions for the API and COPY runs', (v) => Number.parseInt(v, 10), 500_000)
  .option('--people <n>', 'people the interactions connect', (v) => Number.parseInt(v, 10), 20_000)
  .option('--file-mb <n>', 'size of the NDJSON file to import instead of --interactions rows (0 skips the file run)', (v) => Number.parseFloat(v))
  .option('--concurrency <n>', 'API requests in flight', (v) => Number.parseInt(v, 10), 4)
  .option('--json', 'print one JSON line with the figures last')
  .parse()
  .opts<{ interactions: number; people: number; fileMb?: number; concurrency: number; json?: boolean }>();

const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (s: string) => process.stderr.write(`${s}\n`);
const KINDS = ['mention', 'reply', 'share', 'like', 'review', 'referral', 'follow'];
const TOPICS = ['crm', 'revops', 'marketing automation', 'analytics', 'ai'];
const T0 = Date.now() - 90 * 86_400_000;

function interaction(i: number, people: number, prefix: string) {
  const from = i % people;
  const to = (i * 7919 + 13) % people === from ? (from + 1) % people : (i * 7919 + 13) % people;
  return {
    externalId: `${prefix}${i}`,
    from: `p${from}`,
    to: `p${to}`,
    kind: KINDS[i % KINDS.length]!,
    topics: [TOPICS[i % TOPICS.length]!],
    sentiment: ((i % 21) - 10) / 10,
    occurredAt: new Date(T0 + (i % 7_776_000) * 1000).toISOString(),
  };
}

async function main() {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const store = await openStore({ store: { kind: 'pg', url: DATABASE_URL, schema } });
  const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  const dir = await mkdtemp(join(tmpdir(), 'sway-bench-'));
  const tenant = async (name: string) => {
    const { installation } = await saveInstallation(store.db, randomBytes(32), 'hubspot', { accountId: name, accountDomain: null, scopes: [] }, {
      accessToken: 'x', refreshToken: 'y', expiresAt: new Date(Date.now() + 3600_000),
    });
    return installation.id;
  };
  let server: ReturnType<typeof spawn> | undefined;
  try {
    // People for every tenant, so interactions only reference stored people.
    const seedPeople = async (installationId: string) => {
      const csv = Array.from({ length: opts.people }, (_, i) => `${installationId},p${i}`).join('\n');
      const client = await pool.connect();
      try {
        await pipeline(Readable.from([csv]), client.query(copyFrom('COPY people (installation_id, external_id) FROM STDIN (FORMAT csv)')));
      } finally {
        client.release();
      }
    };

    // 1. COPY ceiling.
    const emptyInteractions = () => pool.query('TRUNCATE interactions');
    await emptyInteractions();
    const copyTenant = await tenant('copy');
    await seedPeople(copyTenant);
    const ids = new Map((await pool.query('SELECT id, external_id FROM people WHERE installation_id = $1', [copyTenant])).rows.map((r) => [r.external_id as string, Number(r.id)]));
    log(`COPY: ${opts.interactions} interactions…`);
    // The same binary COPY body ingest sends (src/store/copy-binary.ts), built before the clock
    // starts: what PostgreSQL itself can take through one connection, with every index in place.
    const body = encodeInteractions(
      copyTenant,
      Array.from({ length: opts.interactions }, (_, i) => {
        const x = interaction(i, opts.people, 'c');
        return { externalId: x.externalId, fromPersonId: ids.get(x.from)!, toPersonId: ids.get(x.to)!, kind: x.kind, topics: x.topics, sentiment: x.sentiment, occurredAt: x.occurredAt };
      }),
      ROW_ENDS,
    );
    const client = await pool.connect();
    let t = performance.now();
    try {
      await pipeline(Readable.from(slices(body, 1 << 20)), client.query(copyFrom(`COPY interactions (${INTERACTION_COPY_COLUMNS}) FROM STDIN (FORMAT binary)`)));
    } finally {
      client.release();
    }
    const copyRowsPerSecond = Math.round(opts.interactions / ((performance.now() - t) / 1000));

    // 2. API, served by a child process.
    await emptyInteractions();
    const apiTenant = await tenant('api');
    await seedPeople(apiTenant);
    const apiKey = await createApiKey(store.db, apiTenant);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    server = spawn(process.execPath, ['bin/sway.js', 'serve', '--no-workers'], {
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL,
        DB_SCHEMA: schema,
        REDIS_URL,
        QUEUE_PREFIX: `sway-bench-${randomUUID().slice(0, 8)}`,
        SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        HUBSPOT_CLIENT_ID: 'bench',
        HUBSPOT_CLIENT_SECRET: 'bench',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 150; i++) {
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const bodies: string[] = [];
    for (let i = 0; i < opts.interactions; i += 5000) {
      bodies.push(JSON.stringify({ interactions: Array.from({ length: Math.min(5000, opts.interactions - i) }, (_, j) => interaction(i + j, opts.people, 'a')) }));
    }
    log(`API: ${bodies.length} requests of ≤ 5,000 interactions, ${opts.concurrency} in flight…`);
    let next = 0;
    let stored = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const res = await fetch(`${url}/api/v1/signals`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body });
          if (res.status !== 202) throw new Error(`API answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
          stored += ((await res.json()) as { interactionsStored: number }).interactionsStored;
        }
      }),
    );
    const apiInteractionsPerSecond = Math.round(stored / ((performance.now() - t) / 1000));
    if (stored !== opts.interactions) throw new Error(`API stored ${stored} of ${opts.interactions}`);
    server.kill('SIGTERM');

    // 3. File import (when the import command exists and a size is asked).
    let file = { fileRows: 0, fileRowsPerSecond: null as number | null, importRowsPerSecond: null as number | null, importPeakRssMb: null as number | null, importFileMb: 0 };
    if (opts.fileMb !== 0) {
      await emptyInteractions();
      file = await fileRun(store, tenant, seedPeople, dir, schema);
    }

    const figures = { interactions: opts.interactions, copyRowsPerSecond, apiInteractionsPerSecond, apiShareOfCopy: Math.round((apiInteractionsPerSecond / copyRowsPerSecond) * 1000) / 1000, ...file };
    const rows: [string, string][] = [
      ['COPY ceiling', `${copyRowsPerSecond.toLocaleString()} rows/s`],
      ['API ingest', `${apiInteractionsPerSecond.toLocaleString()} interactions/s (${Math.round(figures.apiShareOfCopy * 100)}% of COPY)`],
      ['file import', file.fileRowsPerSecond === null ? 'skipped' : `${file.fileRowsPerSecond.toLocaleString()} rows/s (${Math.round((file.fileRowsPerSecond / copyRowsPerSecond) * 100)}% of COPY; ${file.importRowsPerSecond?.toLocaleString()} rows/s without process start), ${file.fileRows.toLocaleString()} rows, ${file.importFileMb} MB file, peak RSS ${file.importPeakRssMb} MB`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`\nbench:ingest — PostgreSQL, ${opts.interactions.toLocaleString()} interactions\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`);
    if (opts.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    server?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await pool.end();
    await store.close();
  }
}

/** A buffer as pieces of at most `size` bytes (one write per piece, as a stream would send it). */
function* slices(b: Buffer, size: number) {
  for (let at = 0; at < b.length; at += size) yield b.subarray(at, at + size);
}

/** Writes an NDJSON file of about --file-mb and imports it with `sway import` in a child process. */
async function fileRun(
  _store: unknown,
  tenant: (name: string) => Promise<string>,
  seedPeople: (id: string) => Promise<void>,
  dir: string,
  schema: string,
) {
  const fileTenant = await tenant('file');
  await seedPeople(fileTenant);
  const path = join(dir, 'signals.ndjson');
  const out = createWriteStream(path);
  // Without --file-mb: the same rows as the COPY and API runs.
  const target = opts.fileMb === undefined ? Infinity : opts.fileMb * 1024 * 1024;
  const maxRows = opts.fileMb === undefined ? opts.interactions : Infinity;
  let bytes = 0;
  let rows = 0;
  log(opts.fileMb === undefined ? `file: writing ${opts.interactions} interactions as NDJSON…` : `file: writing ~${opts.fileMb} MB of NDJSON…`);
  await pipeline(
    Readable.from(
      (function* () {
        while (bytes < target && rows < maxRows) {
          const line = `${JSON.stringify({ type: 'interaction', ...interaction(rows++, opts.people, 'f') })}\n`;
          bytes += line.length;
          yield line;
        }
      })(),
    ),
    out,
  );
  const size = (await stat(path)).size;
  log(`file: importing ${rows.toLocaleString()} rows…`);
  const t = performance.now();
  const summary = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/sway.js', 'import', path, '--installation', fileTenant, '--json', '--quiet'], {
      env: { ...process.env, DATABASE_URL, DB_SCHEMA: schema, REDIS_URL, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`sway import exited ${code}: ${stdout.slice(-500)}`))));
  });
  const seconds = (performance.now() - t) / 1000;
  const last = JSON.parse(summary.trim().split('\n').at(-1)!) as { peakRssMb?: number; rowsPerSecond?: number };
  // fileRowsPerSecond is the wall time of the whole command (process start, store check, queuing
  // the score job included); importRowsPerSecond is the import's own figure, from its summary.
  return { fileRows: rows, fileRowsPerSecond: Math.round(rows / seconds), importRowsPerSecond: last.rowsPerSecond ?? null, importPeakRssMb: last.peakRssMb ?? null, importFileMb: Math.round(size / 1024 / 1024) };
}

await main();
