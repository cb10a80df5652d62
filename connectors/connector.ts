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
 * - Writes go out in the largest batches the vendor allows; callers pass any number of
 *   records and the connector splits them.
 * - Base URLs are configuration, so tests and the demo point connectors at the local
 *   sandboxes (connectors/<crm>/sandbox) that follow the vendor's real API.
 */
import type { ContactFieldValues } from '../src/domain/fields.ts';

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
}

/** One installation's live credentials for data calls. */
export interface CrmSession {
  apiBaseUrl: string;
  accessToken: string;
}

/** A contact as Sway needs it for linking and stage mapping. */
export interface CrmContact {
  id: string;
  email: string | null;
  lifecycleStage: string | null;
  /** The CRM's last-modified time, when it sent one. */
  modifiedAt: Date | null;
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
}

export interface BatchWriteResult {
  written: number;
  failed: RecordError[];
  /** Write requests made (batches), for run history and the rate budget. */
  calls: number;
}

export interface Connector {
  readonly id: CrmId;
  readonly oauth: {
    /** The consent URL to redirect an installing admin to. */
    authorizeUrl(app: OAuthApp, params: { redirectUri: string; state: string }): string;
    /** Exchanges the callback's code for tokens (single use at the CRM). */
    exchangeCode(app: OAuthApp, params: { code: string; redirectUri: string }): Promise<TokenSet>;
    /** Gets a new access token. Throws SwayError('DISCONNECTED') when the CRM revoked access. */
    refresh(app: OAuthApp, refreshToken: string): Promise<TokenSet>;
    /** Reads which account and scopes a fresh access token belongs to. */
    accountInfo(app: OAuthApp, accessToken: string): Promise<AccountInfo>;
  };
  /** Creates Sway's field group and catalogue fields that are missing; idempotent. */
  provision(session: CrmSession): Promise<ProvisionResult>;
  /** Reads the given contacts (batched at the vendor maximum); ids the CRM no longer has are left out. */
  readContacts(session: CrmSession, ids: readonly string[]): Promise<CrmContact[]>;
  /** Pages through every contact (a full read), `pageSize` per call. */
  listContacts(session: CrmSession, options?: { pageSize?: number }): AsyncIterable<CrmContact[]>;
  /** Writes catalogue values onto contacts, batched at the vendor's maximum. */
  updateContacts(session: CrmSession, updates: readonly { id: string; values: ContactFieldValues }[]): Promise<BatchWriteResult>;
}
