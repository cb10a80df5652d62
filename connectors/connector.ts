/**
 * The Connector interface: everything Sway needs from a CRM, and nothing CRM-specific outside
 * it. Each CRM lives in one folder (connectors/<crm>/) whose index.ts exports one object that
 * `satisfies Connector`; connectors/index.ts is the typed registry.
 *
 * Rules every connector follows:
 * - Stateless objects. Credentials come in per call (`OAuthApp` for the app's own identity,
 *   `CrmSession` for one installation's decrypted access token). A connector never stores,
 *   logs or puts a token into an error message.
 * - Vendor failures leave as `SwayError` (src/domain/errors.ts), classified by the
 *   connector's own errors.ts, so the sync layer can decide retries without knowing the CRM.
 * - Writes go out in the largest batches the vendor allows: each connector declares, per
 *   neutral object (src/domain/objects.ts), whether it reads it and its write batch maximum
 *   (`objects`); the push engine splits records into batches of that size.
 * - Base URLs are configuration, so tests and the demo point connectors at the local
 *   sandboxes (connectors/<crm>/sandbox) that follow the vendor's real API.
 */
import type { ChangeEvent } from '../src/domain/change-events.ts';
import type { ContactFieldValues } from '../src/domain/fields.ts';
import type { Network } from '../src/domain/identity.ts';
import type { CrmObject } from '../src/domain/objects.ts';
import type { CanonicalStage, StageOption } from '../src/domain/stages.ts';

export type CrmId = 'hubspot';

/** The app's identity at the CRM (from configuration). */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** Host of the consent screen, e.g. https://app.hubspot.com. */
  appBaseUrl: string;
  /** Host of the API, e.g. https://api.hubapi.com. */
  apiBaseUrl: string;
  scopes: readonly string[];
}

/** Tokens as the CRM issued them. Plaintext: keep in memory only, seal before storing. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working (from the CRM's expires_in). */
  expiresAt: Date;
}

/** Who installed: the CRM account the tokens belong to. */
export interface AccountInfo {
  accountId: string;
  accountDomain: string | null;
  scopes: string[];
  /**
   * Where this account's data API lives, when it is the account's own (Salesforce's
   * instance_url). Stored on the installation; every later session uses it. A connector that
   * returns one validates it first (it will be called with the account's token: SSRF). Absent:
   * the app's `OAuthApp.apiBaseUrl` (HubSpot: one API host for every portal).
   */
  apiBaseUrl?: string;
}

/** Request classes that CRMs limit separately (HubSpot: search has its own 5/s). */
export type RequestKind = 'standard' | 'search';

/**
 * Called around every data request a connector makes for a session: the sync layer uses
 * them for the shared per-account rate budget and the daily success-rate figures.
 */
export interface RequestHooks {
  /** Resolves when the request may be sent. */
  beforeRequest(kind: RequestKind): Promise<void>;
  /** Sees every response (errors included) before the connector interprets it. */
  afterResponse(kind: RequestKind, status: number, headers: Record<string, string>): Promise<void>;
}

/** One installation's live credentials for data calls. */
export interface CrmSession {
  apiBaseUrl: string;
  accessToken: string;
  /** The CRM account (HubSpot portal id), for budgets and logs. */
  accountId?: string;
  hooks?: RequestHooks;
}

/** The result of writing one batch: which records took the values, which were refused and why. */
export interface BatchOutcome {
  written: string[];
  failed: RecordError[];
}

/** A contact as Sway needs it for linking and stage mapping. */
export interface CrmContact {
  id: string;
  email: string | null;
  lifecycleStage: string | null;
  /** The CRM's last-modified time, when it sent one. */
  modifiedAt: Date | null;
  /**
   * Values of the extra properties the read asked for (`ContactReadOptions.extraProperties`,
   * e.g. the handle fields an admin named), null when the record has no value. Absent when
   * the read asked for none — callers must not read "absent" as "empty".
   */
  properties?: Record<string, string | null>;
}

/** Options every contact read takes. */
export interface ContactReadOptions {
  /**
   * CRM properties to read besides the ones Sway always needs (email, stage, modified time);
   * their values come back in `CrmContact.properties`. Names the CRM does not know come back null.
   */
  extraProperties?: readonly string[];
}

/** A deal / opportunity: purchase history and conversions. */
export interface CrmDeal {
  id: string;
  pipeline: string | null;
  stage: string | null;
  amount: number | null;
  closeDate: Date | null;
  modifiedAt: Date | null;
  /** Associated contacts, when the read asked for them. */
  contactIds?: string[];
}

/** A pipeline and which of its stages mean "won". */
export interface CrmPipeline {
  id: string;
  wonStageIds: string[];
}

/** One page of a search; `total` is the whole query's size (capped searches report it too). */
export interface SearchPage<T> {
  total: number;
  results: T[];
  nextAfter?: string;
}

export interface ProvisionResult {
  /** Field names created by this run (empty on a second run). */
  created: string[];
  /** Field names that were already there. */
  existing: string[];
  groupCreated: boolean;
}

export interface RecordError {
  recordId: string;
  message: string;
  /**
   * The CRM says the record does not exist (HubSpot: a 207 item with category OBJECT_NOT_FOUND):
   * deleted or merged away without Sway hearing of it. The sync layer drops the record's rows as
   * a deletion webhook would, so it is not re-sent on every push.
   */
  notFound?: boolean;
}

/** One record of a write: the CRM record id and the vendor properties to set on it. */
export interface WriteRecord {
  id: string;
  properties: Record<string, string>;
}

/**
 * What a connector does with one neutral object (src/domain/objects.ts). An object absent from
 * `Connector.objects` is one the connector neither reads nor writes; callers ask
 * connectors/object-support.ts, which answers with SwayError('UNSUPPORTED'), never a silent no-op.
 */
export interface ObjectSupport {
  /** Sway reads records of this object from the CRM. */
  read: boolean;
  /**
   * Largest number of records one write request may carry (HubSpot: 100 for its batch update
   * endpoints). Absent when the connector does not write this object.
   */
  writeBatchMax?: number;
}

/** What a CRM's record changes mean for Sway: data and pure functions, no I/O. */
export interface ChangeRules {
  /**
   * Contact properties (the CRM's own names) whose change can change a link (the email) or
   * the pushed stage: a change event naming one queues a rescore, other changes do not.
   */
  readonly rescoreProperties: readonly string[];
  /**
   * Whether the CRM sends a plain deletion along with each privacy deletion of a record, in
   * no guaranteed order. When it does, the webhook job leaves a paired plain deletion in the
   * same page to the purge, and a plain deletion remembers the record's person on its event
   * so a privacy deletion processed later still finds them (src/store/webhook-events.ts).
   * When it does not, no person id is kept on deletion events.
   */
  readonly privacyDeletionAlsoDeletes: boolean;
  /**
   * Pure: what the record that survives a merge holds in Sway's fields, from what Sway
   * pushed to each merged record, as the CRM's merge rule decides. A field left out is
   * unknown, so the next push re-sends it (src/store/record-lifecycle.ts repointMergedRecord).
   */
  mergedValues(input: MergedValuesInput): Record<string, string>;
}

/** Sway's pushed values (CRM field name → value as written) of the records in one merge. */
export interface MergedValuesInput {
  /** Written to the surviving record after the merge, when it is not the primary. */
  survivor?: Record<string, string>;
  /** The primary's: the record whose values won the merge. */
  primary?: Record<string, string>;
  /** Every other merged record's. */
  others: Record<string, string>[];
}

/** Per-CRM defaults of the installation settings (src/sync/settings.ts). */
export interface SettingsDefaults {
  /** The CRM contact properties holding the situational attributes matching compares. */
  readonly attributeFields: { readonly industry: string; readonly region: string; readonly companySize: string };
  /** Network → the CRM contact property handles are read from, before the admin names any. */
  readonly handleFields: Readonly<Partial<Record<Network, string>>>;
}

// --- configuration, limits and the HTTP edge (issue 12, items 1–3) ---------------------------

/** One rolling window of a CRM's rate limit. */
export interface RateWindow {
  requests: number;
  intervalMs: number;
}

/**
 * The request limits a CRM sets per account, as data: src/sync/rate-budget.ts builds the shared
 * budget from them, with the operator's overrides from configuration (src/config.ts) on top.
 */
export interface ConnectorLimits {
  /**
   * Burst windows per request kind. `standard` covers every request; a kind listed besides it
   * (HubSpot: `search`, 5 / s) has its own window, separate from the standard one.
   */
  burst: { standard: RateWindow } & Partial<Record<Exclude<RequestKind, 'standard'>, RateWindow>>;
  /**
   * Requests per rolling 24 hours per account, for a CRM that caps them (Salesforce:
   * DailyApiRequests, shared with the org's other integrations). Absent: no daily cap (HubSpot
   * OAuth apps). Once Sway's share is used up, calls fail as RATE_LIMITED until the window moves.
   */
  daily?: { requests: number };
  /** A request with no answer for this long is abandoned (a transient failure, retried). */
  requestTimeoutMs: number;
}

/** A webhook request as the HTTP server received it, for the connector to verify and read. */
export interface WebhookRequest {
  method: string;
  /** The full URI the CRM called: Sway's public URL plus the path and query as sent. */
  uri: string;
  /** The body's exact bytes (signatures cover them as sent). */
  rawBody: Buffer;
  /** A request header by (case-insensitive) name. */
  header(name: string): string | undefined;
  nowMs: number;
}

/**
 * What a connector makes of a webhook request. A refusal carries the HTTP status the CRM's
 * retry rules call for (a 4xx is not re-sent), the error code and message for the body, and a
 * short `reason` for the log (never a secret or the body).
 */
export type WebhookOutcome =
  | { ok: true; events: ChangeEvent[]; received: number; ignored: number }
  | { ok: false; status: 400 | 401; code: string; message: string; reason: string; issues?: { path: string; message: string }[] };

/** How a CRM reaches Sway: its webhook deliveries, verified and turned into change events. */
export interface ConnectorWebhooks {
  /**
   * Verifies a delivery (HubSpot: signature v3 with the app's client secret, timestamp within
   * 5 minutes) and reads its events into CRM-neutral change events; events of types Sway does
   * not follow are counted in `ignored`. Pure: no I/O, so the server can answer fast.
   */
  receive(app: OAuthApp, request: WebhookRequest): WebhookOutcome;
}

/**
 * The members of this block and their users: `label` and `accountField` (src/server/oauth.ts
 * and the install pages), `limits` (src/jobs/context.ts, src/sync/rate-budget.ts),
 * `setRequestTimeout` (src/runtime.ts), `webhooks` (src/server/webhooks.ts). The same
 * dispatch by `:crm` will carry `/crm-actions/:crm/...` (workflow actions) later.
 */
export interface ConnectorEdge {
  /** The CRM's name as users know it, for pages and messages ("HubSpot"). */
  readonly label: string;
  /**
   * The key under which the install answer also carries the account id, for clients of the
   * first, single-CRM release (HubSpot: `portalId`); the answer always has `accountId`.
   */
  readonly accountField?: string;
  readonly limits: ConnectorLimits;
  /**
   * Sets the deadline of this connector's requests started from now on (configuration, or
   * `limits.requestTimeoutMs` by default). Process-wide: the HTTP agents are shared.
   */
  setRequestTimeout(ms: number): void;
  /** Absent for a CRM that reports changes another way (Salesforce: change data capture). */
  readonly webhooks?: ConnectorWebhooks;
}

// ---------------------------------------------------------------------------------------------

export interface Connector extends ConnectorEdge {
  /** The registry key (connectors/index.ts) and the `crm` stored on each installation. */
  readonly id: CrmId;
  readonly oauth: {
    /** The consent URL to redirect an installing admin to. */
    authorizeUrl(app: OAuthApp, params: { redirectUri: string; state: string }): string;
    /** Exchanges the callback's code for tokens (single use at the CRM). */
    exchangeCode(app: OAuthApp, params: { code: string; redirectUri: string }): Promise<TokenSet>;
    /** Gets a new access token. Throws SwayError('DISCONNECTED') when the CRM revoked access. */
    refresh(app: OAuthApp, refreshToken: string): Promise<TokenSet>;
    /** Reads which account and scopes a fresh access token belongs to (and its own API host, if it has one). */
    accountInfo(app: OAuthApp, accessToken: string): Promise<AccountInfo>;
  };
  /** Creates Sway's field group and catalogue fields that are missing; idempotent. */
  provision(session: CrmSession): Promise<ProvisionResult>;
  /** Reads the given contacts (batched at the vendor maximum); ids the CRM no longer has are left out. */
  readContacts(session: CrmSession, ids: readonly string[], options?: ContactReadOptions): Promise<CrmContact[]>;
  /** Contacts modified within [modifiedFrom, modifiedTo], oldest first (incremental pulls). */
  searchContacts(session: CrmSession, q: { modifiedFrom: Date; modifiedTo: Date; after?: string }, options?: ContactReadOptions): Promise<SearchPage<CrmContact>>;
  /** Deals modified within the window, oldest first (without associations). */
  searchDeals(session: CrmSession, q: { modifiedFrom: Date; modifiedTo: Date; after?: string }): Promise<SearchPage<CrmDeal>>;
  /** Pages through every deal with its associated contacts (a full read). */
  listDeals(session: CrmSession): AsyncIterable<CrmDeal[]>;
  /** Associated contact ids per deal. */
  dealContacts(session: CrmSession, dealIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Deal pipelines with their won stages (stage ids are per pipeline). */
  dealPipelines(session: CrmSession): Promise<CrmPipeline[]>;
  /**
   * The CRM's contact stages. `defaults` maps its built-in stage values onto canonical stages
   * (each documented where the connector declares it); `options` reads the account's own
   * stage options, custom stages included, which src/domain/stages.ts buildStageMap turns
   * into the installation's stage map at each pull.
   */
  readonly stages: {
    readonly defaults: Readonly<Record<string, CanonicalStage>>;
    options(session: CrmSession): Promise<StageOption[]>;
  };
  /** What the CRM's change events mean for Sway; the webhook job and the store apply it. */
  readonly changes: ChangeRules;
  /** Settings an installation of this CRM uses until its admin changes them (src/sync/settings.ts). */
  readonly settingsDefaults: SettingsDefaults;
  /** Most results one search query can return; windows are split to stay under it. */
  readonly searchResultCap: number;
  /** Pages through every contact (a full read), `pageSize` per call. */
  listContacts(session: CrmSession, options?: { pageSize?: number } & ContactReadOptions): AsyncIterable<CrmContact[]>;
  /** Which neutral objects this connector reads and writes, and its batch maximum per written object. */
  readonly objects: Readonly<Partial<Record<CrmObject, ObjectSupport>>>;
  /**
   * Catalogue values → the vendor's property map for one object (pure; what delta comparison
   * works on). Values for fields the object does not carry are left out. Throws
   * SwayError('UNSUPPORTED') for an object the connector does not write.
   */
  vendorProperties(object: CrmObject, values: ContactFieldValues): Record<string, string>;
  /**
   * Writes one batch (≤ the object's `writeBatchMax`) of vendor properties onto records of one
   * object. Per-record refusals come back in `failed`; a refusal of the whole batch throws
   * SwayError('INVALID') so the caller can split it to find the bad record; rate limits, server
   * errors and auth problems throw too; an object the connector does not write throws
   * SwayError('UNSUPPORTED') before any request. No retries here: src/sync/push-engine.ts
   * adds delta, batching and retries (src/sync/retry.ts decideBatchRetry).
   */
  writeBatch(session: CrmSession, object: CrmObject, records: readonly WriteRecord[]): Promise<BatchOutcome>;
}
