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
}

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
}

export interface SandboxContact {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
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
  };
}
