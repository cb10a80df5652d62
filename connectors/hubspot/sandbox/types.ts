// Public types of the HubSpot sandbox. The shapes are a contract with the rest of Sway
// (tests, demo, benchmarks): change them only together with their users.

export interface HubSpotSandboxOptions {
  clientId?: string; // default 'sway-sandbox-client'
  clientSecret?: string; // default 'sway-sandbox-secret'
  portalId?: number; // default 62515
  hubDomain?: string; // default 'sway-demo.hubspot.com'
  appId?: number; // default 1001
  rateLimit?: { max: number; intervalMs: number }; // default { max: 100, intervalMs: 10_000 }
  accessTokenTtlSeconds?: number; // default 1800
  now?: () => number; // clock in ms, default Date.now (lets tests move time)
  /**
   * A record modified less than this long ago is not yet visible to search (HubSpot's index
   * lag: "results lag writes by seconds"). Default 3000; tests that need a write to be found at
   * once set 0.
   */
  searchLagMs?: number;
  /** The search endpoints' own per-account limit. Default { max: 5, intervalMs: 1000 }. */
  searchRateLimit?: { max: number; intervalMs: number };
  /**
   * Whether a search also takes a slot of the burst window (TEN_SECONDLY_ROLLING). Default
   * false: HubSpot limits search separately and changes to the burst limits "do not affect the
   * CRM Search API" (https://developers.hubspot.com/changelog/burst-limits-are-increasing-for-api-key-authenticated-calls);
   * no primary source says either way whether a search also counts toward the burst window, so
   * it is an option (unverified).
   */
  searchCountsTowardBurst?: boolean;
  /** Filter limits of one search. Default { groups: 5, filtersPerGroup: 10, filters: 25 } (see search.ts). */
  searchFilterLimits?: { groups: number; filtersPerGroup: number; filters: number };
  /**
   * First ids given to new contacts and deals. Default past 2^31 (contacts 2147483649, deals
   * 9000000001), as real portals' ids are, so a client that reads ids as 32-bit integers fails.
   */
  firstIds?: { contact: number; deal: number };
  /**
   * After a merge, reads by a merged-away id return the merged record, as HubSpot documents.
   * false makes those ids 404 instead (a stricter model some tests may want). Default true.
   */
  mergedIdsResolve?: boolean;
  /**
   * When HubSpot retires the OAuth v1 endpoints (ms since epoch; default 2027-02-16T00:00:00Z,
   * https://developers.hubspot.com/changelog/v1-oauth-api-deprecation). From then on
   * /oauth/v1/* answers 404; set it in the past to prove a client uses only the 2026-03 API.
   */
  oauthV1SunsetAt?: number;
}

/** The sandbox's default search-index lag. */
export const DEFAULT_SEARCH_LAG_MS = 3000;

/** HubSpot's OAuth v1 sunset (the changelog above). */
export const OAUTH_V1_SUNSET = Date.parse('2027-02-16T00:00:00Z');

export interface RecordedRequest {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  portalId?: number;
  grantType?: string;
  bearer?: string;
  body?: unknown;
  /** true when the status was produced by setFaults(), not by the request itself. */
  injected?: boolean;
}

export interface SandboxContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
}

export interface SandboxDeal extends SandboxContact {
  contactIds: string[];
}

export interface LifecycleStageOption {
  label: string;
  value: string;
  displayOrder: number;
}

export interface PipelineStageInput {
  id?: string; // default: a numeric id, like HubSpot's custom stages
  label: string;
  probability: number; // 0..1
  isClosed?: boolean; // default: probability is 0 or 1
}

export interface PipelineInput {
  id?: string; // default: a numeric id, like HubSpot's custom pipelines
  label: string;
  displayOrder?: number;
  stages: PipelineStageInput[];
}

export interface WebhookConfig {
  targetUrl: string;
  /** Default: every contact.* and deal.* type. 'contact.propertyChange:email' narrows to one property. */
  subscriptions?: string[];
  maxRetries?: number; // default 3
  retryDelayMs?: number; // default 200, multiplied by the attempt number
  batchWindowMs?: number; // default 20: events within it go out in one request
  timeoutMs?: number; // default 5000, HubSpot's delivery timeout
}

export interface WebhookDelivery {
  at: number; // sandbox clock when the response (or failure) came back
  status: number; // HTTP status, 0 for a timeout or network error
  events: number;
  attempt: number; // attemptNumber sent: 0 for the first try
}

export interface FaultConfig {
  rate429?: number; // 0..1, share of authenticated /crm requests answered with a burst-limit 429
  rate5xx?: number; // 0..1, share answered with a 502/503 gateway error
  latencyMs?: number; // added before each authenticated /crm request is handled
  seed?: number; // default 1: the same seed and request sequence give the same faults
  /**
   * 0..1, share of the account's burst limit taken by other traffic on the same account
   * (other integrations, the customer's own scripts): requests beyond the remaining share get
   * real TEN_SECONDLY_ROLLING 429s. Unlike rate429 these depend on the caller's pace, so a
   * client that adapts its budget can avoid them.
   */
  contention?: number;
}

export interface HubSpotSandbox {
  readonly url: string; // base URL after start(), e.g. http://127.0.0.1:54321
  readonly portalId: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly requests: RecordedRequest[]; // every request, in order, with the status sent
  start(port?: number): Promise<string>; // listens on 127.0.0.1 (port 0 = random), returns url
  stop(): Promise<void>;
  seedContacts(props: Array<Record<string, string>>): string[]; // bypasses rate limit, not recorded
  getContact(id: string): SandboxContact | undefined;
  listContacts(): SandboxContact[];
  getProperty(objectType: string, name: string): unknown | undefined;
  revokeRefreshTokens(): void; // every refresh token of this portal → BAD_REFRESH_TOKEN
  expireAccessTokens(): void; // every issued access token → 401 EXPIRED_AUTHENTICATION
  clearRequests(): void;

  // ---- Portal administration, as a user in HubSpot's UI (changeSource CRM_UI) ----
  setLifecycleStageOptions(options: LifecycleStageOption[]): void;
  updateContact(id: string, props: Record<string, string>): void;
  deleteContact(id: string): void; // archive: restorable, contact.deletion
  restoreContact(id: string): void; // contact.restore
  /** HubSpot semantics: the merged record gets a NEW id; returns it. */
  mergeContacts(primaryId: string, mergedId: string): string;
  privacyDeleteContact(id: string): void; // GDPR: permanent, contact.privacyDeletion
  createDeal(props: Record<string, string>, contactIds?: string[]): string;
  updateDeal(id: string, props: Record<string, string>): void;
  deleteDeal(id: string): void;
  getDeal(id: string): SandboxDeal | undefined;
  listDeals(): SandboxDeal[];
  addDealPipeline(pipeline: PipelineInput): string; // returns the pipeline id

  // ---- Webhooks ----
  configureWebhooks(config: WebhookConfig): void;
  readonly webhookDeliveries: WebhookDelivery[];
  flushWebhooks(): Promise<void>; // resolves once everything queued so far is delivered or given up

  // ---- Faults and limits ----
  setFaults(faults: FaultConfig): void; // {} turns faults off
  setRateLimit(limit: { max: number; intervalMs: number }): void;
}

/** Options after defaults are applied. */
export interface ResolvedOptions {
  clientId: string;
  clientSecret: string;
  portalId: number;
  hubDomain: string;
  appId: number;
  rateLimit: { max: number; intervalMs: number };
  accessTokenTtlSeconds: number;
  now: () => number;
  searchLagMs: number;
  searchRateLimit: { max: number; intervalMs: number };
  searchCountsTowardBurst: boolean;
  searchFilterLimits: { groups: number; filtersPerGroup: number; filters: number };
  firstIds: { contact: number; deal: number };
  mergedIdsResolve: boolean;
  oauthV1SunsetAt: number;
}

export function resolveOptions(options: HubSpotSandboxOptions = {}): ResolvedOptions {
  return {
    clientId: options.clientId ?? 'sway-sandbox-client',
    clientSecret: options.clientSecret ?? 'sway-sandbox-secret',
    portalId: options.portalId ?? 62515,
    hubDomain: options.hubDomain ?? 'sway-demo.hubspot.com',
    appId: options.appId ?? 1001,
    rateLimit: options.rateLimit ?? { max: 100, intervalMs: 10_000 },
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 1800,
    now: options.now ?? Date.now,
    searchLagMs: options.searchLagMs ?? DEFAULT_SEARCH_LAG_MS,
    searchRateLimit: options.searchRateLimit ?? { max: 5, intervalMs: 1000 },
    searchCountsTowardBurst: options.searchCountsTowardBurst ?? false,
    searchFilterLimits: options.searchFilterLimits ?? { groups: 5, filtersPerGroup: 10, filters: 25 },
    firstIds: options.firstIds ?? { contact: 2 ** 31 + 1, deal: 9_000_000_001 },
    mergedIdsResolve: options.mergedIdsResolve ?? true,
    oauthV1SunsetAt: options.oauthV1SunsetAt ?? OAUTH_V1_SUNSET,
  };
}
