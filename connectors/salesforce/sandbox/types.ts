// Public types of the Salesforce sandbox. The shapes are a contract with the rest of Sway
// (tests, and later the connector, demo and benchmark): change them only together with their users.

export const API_VERSION = '68.0';

export interface SalesforceSandboxOptions {
  clientId?: string; // the External Client App's consumer key, default 'sway-sf-sandbox-client'
  clientSecret?: string; // default 'sway-sf-sandbox-secret'
  orgId?: string; // 18-char org id, default '00D5g000000SwAyEAK'
  userId?: string; // the installing admin, default '0055g000000SwAyAAK'
  username?: string; // default 'admin@sway-sandbox.example'
  /** Access token life, standing for the org's session timeout. Default 7200 (2 h). */
  accessTokenTtlSeconds?: number;
  /** Each refresh issues a new refresh token and kills the old one. Default false. */
  rotateRefreshTokens?: boolean;
  /** Records per query page before nextRecordsUrl (Salesforce: 2,000). */
  queryPageSize?: number;
  /** The org's daily API allowance (DailyApiRequests.Max). Default 100,000. */
  dailyApiLimit?: number;
  /** GET polls of a closed Bulk job before it reaches JobComplete (it is InProgress between). Default 2. */
  bulkPollsToComplete?: number;
  now?: () => number; // clock in ms, default Date.now (lets tests move time)
}

export interface ResolvedOptions extends Required<Omit<SalesforceSandboxOptions, 'now'>> {
  now: () => number;
}

export function resolveOptions(o: SalesforceSandboxOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    clientId: o.clientId ?? 'sway-sf-sandbox-client',
    clientSecret: o.clientSecret ?? 'sway-sf-sandbox-secret',
    orgId: o.orgId ?? '00D5g000000SwAyEAK',
    userId: o.userId ?? '0055g000000SwAyAAK',
    username: o.username ?? 'admin@sway-sandbox.example',
    accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 7200,
    rotateRefreshTokens: o.rotateRefreshTokens ?? false,
    queryPageSize: o.queryPageSize ?? 2000,
    dailyApiLimit: o.dailyApiLimit ?? 100_000,
    bulkPollsToComplete: o.bulkPollsToComplete ?? 2,
    now: o.now ?? Date.now,
  };
  if (!Number.isInteger(resolved.queryPageSize) || resolved.queryPageSize < 1 || resolved.queryPageSize > 2000) {
    throw new Error(`queryPageSize must be an integer within 1..2000, got ${resolved.queryPageSize}`);
  }
  if (!Number.isInteger(resolved.dailyApiLimit) || resolved.dailyApiLimit < 1) throw new Error('dailyApiLimit must be a positive integer');
  if (!Number.isInteger(resolved.bulkPollsToComplete) || resolved.bulkPollsToComplete < 0) throw new Error('bulkPollsToComplete must be ≥ 0');
  return resolved;
}

export interface FaultConfig {
  /** Share of API calls answered 503 SERVER_UNAVAILABLE (0..1). */
  rate503?: number;
  /** Share of API calls answered 403 REQUEST_LIMIT_EXCEEDED although the allowance has room (0..1). */
  rateLimitExceeded?: number;
  /** Share of API calls never answered: the connection hangs until the sandbox stops (0..1). */
  rateHang?: number;
  /** Share of written records failing with UNABLE_TO_LOCK_ROW (collections, single writes, Bulk rows). */
  rateLockRow?: number;
  /** Record ids whose writes always fail with UNABLE_TO_LOCK_ROW. */
  lockedIds?: string[];
  latencyMs?: number; // added before every API call
  seed?: number; // PRNG seed, default 1: the same seed and requests give the same faults
}

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  bearer?: string;
  /** The raw Sforce-Call-Options header, e.g. 'client=sway'. */
  callOptions?: string;
  /** The `client` named in Sforce-Call-Options. */
  client?: string;
  grantType?: string;
  body?: unknown;
  /** true when the answer was produced by setFaults(), not by the request itself. */
  injected?: boolean;
  /** true while (and after) the request was held by a hang fault. */
  hung?: boolean;
  /** true when the call was counted against the daily allowance. */
  counted?: boolean;
}

/** A record as the sandbox holds it: canonical field names, Salesforce JSON values. */
export interface SandboxRecord {
  Id: string;
  [field: string]: unknown;
}

export interface PicklistValueInput {
  value: string;
  label?: string; // default: the value
  default?: boolean;
}
