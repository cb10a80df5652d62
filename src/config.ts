/**
 * Sway's configuration: the only module that reads process.env.
 *
 * Every setting is parsed by one zod schema so a bad or missing value is reported once, by
 * variable name, before anything starts. `loadConfigOrExit` turns that report into the
 * documented behaviour: one line per problem on stderr and exit code 2.
 *
 * Each CRM has an optional block of variables (the per-CRM part below), switched on by setting
 * any of its variables: a block partly set is refused, naming what is missing. Commands that
 * talk to no CRM (import, match, settings, people, keys) do not read the blocks at all
 * (`crms: 'ignored'`); `serve` and `worker` need at least one (`crms: 'required'`).
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import type { CrmId, OAuthApp } from '../connectors/connector.ts';

const url = (what: string) =>
  z.url({ message: `must be an absolute URL (${what})`, protocol: /^https?$/ });

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** 32 random bytes, base64-encoded: `openssl rand -base64 32`. */
const encryptionKey = z
  .string()
  .trim()
  .refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(v), {
    message: 'must be 32 bytes encoded as base64 (generate one with: openssl rand -base64 32)',
  });

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * The address the HTTP server listens on. Loopback by default: a marketplace app is reached
   * through a TLS-terminating proxy on the same host, and an unconfigured install should not
   * expose its API on every interface. Containers set HOST=0.0.0.0.
   */
  HOST: z
    .string()
    .trim()
    .refine((v) => isIP(v) !== 0 || /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(v), {
      message: 'must be an IP address or a host name (0.0.0.0 for every interface)',
    })
    .default('127.0.0.1'),
  PUBLIC_URL: url('where the CRM redirects and sends webhooks').optional(),
  DATABASE_URL: optionalText.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  ),
  PGLITE_DIR: z.string().min(1).default('./.data/pglite'),
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
    .default('public'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, _ - { } only').default('sway'),
  SWAY_ENCRYPTION_KEY: encryptionKey,
  /** Minutes between scheduled incremental pulls per installation; 0 turns the schedule off. */
  PULL_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(15),
  /** Match recomputes are split into this many partition jobs (BullMQ flow) that any worker takes; 1 scores in one job. */
  MATCH_PARTITIONS: z.coerce.number().int().min(1).max(256).default(1),
  /** A match run is incremental unless the last full run is older than this (hours). */
  MATCH_FULL_EVERY_HOURS: z.coerce.number().min(0).max(24 * 30).default(24),
  /** Concurrent write batches per push (each still waits for the shared budget). */
  PUSH_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  /** Refresh an access token when it has less than this many seconds left. */
  TOKEN_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).max(1700).default(300),
  /** Requests per minute one client (IP address) may make to /api/v1 (0 = no limit). */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Install starts (/oauth/<crm>/install) per hour one client may make; each writes a state row (0 = no limit). */
  INSTALL_RATE_LIMIT_PER_HOUR: z.coerce.number().int().min(0).default(30),
  /** Behind a reverse proxy: express's `trust proxy` (hops, `true`, or addresses/subnets), so the client is the forwarded address. */
  TRUST_PROXY: optionalText,
  /** Queue attempts per job, and the capped exponential backoff between them (README: Reliability). */
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(15),
  JOB_BACKOFF_MS: z.coerce.number().int().min(10).default(5_000),
  JOB_BACKOFF_MAX_MS: z.coerce.number().int().min(10).default(600_000),
  /** How soon a job whose worker died is noticed and run again (BullMQ lock duration and stall check). */
  JOB_STALL_MS: z.coerce.number().int().min(200).max(600_000).default(30_000),
  /** Ingest batches inside this window start one score run, not one each. */
  SCORE_DEBOUNCE_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.input<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  store: { kind: 'pg'; url: string; schema: string } | { kind: 'pglite'; dir: string; schema: string };
  redis: { url: string; prefix: string };
  encryptionKey: Buffer;
  /** The CRMs this deployment is configured for; a CRM without its block is absent. */
  crms: Partial<Record<CrmId, CrmConfig>>;
  jobs: JobSettings;
  pushConcurrency: number;
  pullIntervalMs: number;
  matching: { partitions: number; fullEveryMs: number };
  tokenRefreshMarginMs: number;
  /** Per-client request limits of the HTTP server (src/server/rate-limits.ts); 0 = none. */
  rateLimits: { apiPerMinute: number; installPerHour: number; trustProxy?: boolean | number | string };
  logLevel: string;
}

/** One CRM's settings (its block of variables). */
export interface CrmConfig {
  /** The app's identity at the CRM, and the hosts it is reached on. */
  oauthApp: OAuthApp;
  /** Per-request deadline; absent → the connector's own default (`Connector.limits.requestTimeoutMs`). */
  timeoutMs?: number;
  /** Overrides of the limits the connector declares (src/sync/rate-budget.ts merges them). */
  limits: CrmLimitOverrides;
}

/** Operator overrides of a connector's declared request limits; absent fields keep the connector's. */
export interface CrmLimitOverrides {
  /** Share of each limit Sway's shared budget uses, leaving headroom. */
  share: number;
  /** Per request kind (`standard`, `search`): requests per interval. */
  burst: Partial<Record<'standard' | 'search', { requests?: number; intervalMs?: number }>>;
  /** Requests per rolling 24 hours, for a CRM whose connector declares a daily allowance. */
  daily?: { requests?: number };
}

/** Which CRM blocks a command reads: `ignored` for commands that call no CRM. */
export type CrmRequirement = 'optional' | 'required' | 'ignored';

/** Share of a CRM's limit Sway uses unless a block overrides it: headroom for clocks, latency and others. */
const DEFAULT_RATE_SHARE = 0.9;

/** Queue behaviour under crashes and outages (src/jobs/queues.ts, src/jobs/workers.ts). */
export interface JobSettings {
  attempts: number;
  backoffMs: number;
  backoffMaxMs: number;
  stallMs: number;
  scoreDebounceMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ConfigError';
  }
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/** Names each bad variable of a failed parse ("X is required" when it is not set at all). */
function problemsOf(error: z.ZodError, env: Record<string, string | undefined>): string[] {
  return error.issues.map((i) => {
    const name = String(i.path[0] ?? 'environment');
    const message = env[name] === undefined && i.code === 'invalid_type' ? 'is required' : i.message;
    return `${name} ${message}`;
  });
}

/**
 * Parses configuration from an environment-like record; throws ConfigError naming each bad
 * variable. `crms` says whether the command needs a CRM (see the module comment).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, options: { crms?: CrmRequirement } = {}): Config {
  const requirement = options.crms ?? 'optional';
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success ? [] : problemsOf(parsed.error, env);
  const crms = requirement === 'ignored' ? {} : parseCrmBlocks(env, problems);
  if (requirement === 'required' && problems.length === 0 && Object.keys(crms).length === 0) {
    const hints = Object.values(CRM_BLOCKS).map((b) => b.required.join(' and '));
    problems.push(`no CRM is configured: set ${hints.join(', or ')} (README: Configuration)`);
  }
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: trimSlash(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`),
    store: e.DATABASE_URL
      ? { kind: 'pg', url: e.DATABASE_URL, schema: e.DB_SCHEMA }
      : { kind: 'pglite', dir: e.PGLITE_DIR, schema: e.DB_SCHEMA },
    redis: { url: e.REDIS_URL, prefix: e.QUEUE_PREFIX },
    encryptionKey: Buffer.from(e.SWAY_ENCRYPTION_KEY, 'base64'),
    crms,
    jobs: { attempts: e.JOB_ATTEMPTS, backoffMs: e.JOB_BACKOFF_MS, backoffMaxMs: e.JOB_BACKOFF_MAX_MS, stallMs: e.JOB_STALL_MS, scoreDebounceMs: e.SCORE_DEBOUNCE_MS },
    pushConcurrency: e.PUSH_CONCURRENCY,
    matching: { partitions: e.MATCH_PARTITIONS, fullEveryMs: e.MATCH_FULL_EVERY_HOURS * 3600_000 },
    pullIntervalMs: e.PULL_INTERVAL_MINUTES * 60_000,
    tokenRefreshMarginMs: e.TOKEN_REFRESH_MARGIN_SECONDS * 1000,
    rateLimits: {
      apiPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
      installPerHour: e.INSTALL_RATE_LIMIT_PER_HOUR,
      trustProxy: e.TRUST_PROXY === undefined ? undefined : /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY,
    },
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * One CRM's block: its variables (setting any of them switches the block on), the ones a
 * working block needs (named when `serve` finds no CRM; their schemas refuse them missing),
 * and how the parsed values become a CrmConfig. Adding a CRM is one more entry in CRM_BLOCKS.
 */
interface CrmBlock<S extends z.ZodObject = z.ZodObject> {
  variables: S;
  required: readonly (keyof z.input<S> & string)[];
  toConfig(e: z.output<S>): CrmConfig;
}

const crmBlock = <S extends z.ZodObject>(b: CrmBlock<S>): CrmBlock<S> => b;

/** The configured CRMs; a block's problems are added to `problems`. */
function parseCrmBlocks(env: Record<string, string | undefined>, problems: string[]): Partial<Record<CrmId, CrmConfig>> {
  const out: Partial<Record<CrmId, CrmConfig>> = {};
  for (const [crm, block] of Object.entries(CRM_BLOCKS) as [CrmId, CrmBlock][]) {
    // Any variable of the block set (an empty value counts as unset) switches it on.
    const vars = Object.keys(block.variables.shape);
    if (!vars.some((v) => (env[v] ?? '').trim() !== '')) continue;
    const parsed = block.variables.safeParse(env);
    if (parsed.success) out[crm] = block.toConfig(parsed.data);
    else problems.push(...problemsOf(parsed.error, env));
  }
  return out;
}

const scopeList = (s: string) => s.split(/[\s,]+/).filter(Boolean);
const optionalCount = (min: number) => z.coerce.number().int().min(min).optional();

// --- per-CRM configuration: begin
const DEFAULT_HUBSPOT_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.objects.deals.read',
  // Campaign write-back: the influencing-campaign deal property (provisioned) and its values.
  'crm.objects.deals.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'oauth',
].join(' ');

const hubspotBlock = crmBlock({
  variables: z.object({
    HUBSPOT_CLIENT_ID: z.string().trim().min(1, 'is required (the app client id from HubSpot)'),
    HUBSPOT_CLIENT_SECRET: z.string().trim().min(1, 'is required (the app client secret from HubSpot)'),
    HUBSPOT_APP_BASE_URL: url('HubSpot app host').default('https://app.hubspot.com'),
    HUBSPOT_API_BASE_URL: url('HubSpot API host').default('https://api.hubapi.com'),
    HUBSPOT_SCOPES: z.string().trim().min(1).default(DEFAULT_HUBSPOT_SCOPES),
    /** Overrides of the limits connectors/hubspot/limits.ts declares (100 / 10 s; search 5 / s). */
    HUBSPOT_RATE_LIMIT: optionalCount(1),
    HUBSPOT_RATE_INTERVAL_MS: optionalCount(100),
    HUBSPOT_RATE_SHARE: z.coerce.number().gt(0).max(1).optional(),
    HUBSPOT_SEARCH_RATE_LIMIT: optionalCount(1),
    /** Every HubSpot request is abandoned (and retried as a transient failure) after this long without an answer. */
    HUBSPOT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  }),
  required: ['HUBSPOT_CLIENT_ID', 'HUBSPOT_CLIENT_SECRET'],
  toConfig: (e) => ({
    oauthApp: {
      clientId: e.HUBSPOT_CLIENT_ID,
      clientSecret: e.HUBSPOT_CLIENT_SECRET,
      appBaseUrl: trimSlash(e.HUBSPOT_APP_BASE_URL),
      apiBaseUrl: trimSlash(e.HUBSPOT_API_BASE_URL),
      scopes: scopeList(e.HUBSPOT_SCOPES),
    },
    timeoutMs: e.HUBSPOT_TIMEOUT_MS,
    limits: {
      share: e.HUBSPOT_RATE_SHARE ?? DEFAULT_RATE_SHARE,
      burst: {
        standard: { requests: e.HUBSPOT_RATE_LIMIT, intervalMs: e.HUBSPOT_RATE_INTERVAL_MS },
        search: { requests: e.HUBSPOT_SEARCH_RATE_LIMIT },
      },
    },
  }),
});

// `any`: each block has its own variables.
const CRM_BLOCKS = { hubspot: hubspotBlock } satisfies Record<CrmId, CrmBlock<any>>;
// --- per-CRM configuration: end

/** The CLI's entry: on a bad value, print one line per problem and exit with code 2. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env, options: { crms?: CrmRequirement } = {}): Config {
  try {
    return loadConfig(env, options);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const p of err.problems) process.stderr.write(`sway: configuration error: ${p}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** The process environment, for the few callers (the demo) that layer their own values on top. */
export function processEnv(): Record<string, string | undefined> {
  return { ...process.env };
}
