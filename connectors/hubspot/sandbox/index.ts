// A local HubSpot-compatible server for tests, the demo and benchmarks: one developer app and
// one portal, HubSpot's real paths, bodies, status codes and limits, so that the real
// @hubspot/api-client works against it with only `basePath` changed.
//
//   const sandbox = createHubSpotSandbox();
//   await sandbox.start();
//   const client = new Client({ accessToken, basePath: sandbox.url });
import { buildApp, SandboxServer } from './server.ts';
import { normalizeObjectType, SandboxState } from './state.ts';
import {
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
  type RecordedRequest,
  type SandboxContact,
  resolveOptions,
} from './types.ts';

export type { HubSpotSandbox, HubSpotSandboxOptions, RecordedRequest, SandboxContact } from './types.ts';
export { KNOWN_SCOPES } from './oauth-routes.ts';

export function createHubSpotSandbox(options: HubSpotSandboxOptions = {}): HubSpotSandbox {
  const state = new SandboxState(resolveOptions(options));
  const server = new SandboxServer(buildApp(state));
  const { opts } = state;

  return {
    get url(): string {
      return server.url;
    },
    portalId: opts.portalId,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    get requests(): RecordedRequest[] {
      return state.requests;
    },
    start: (port?: number) => server.start(port),
    stop: () => server.stop(),

    /**
     * Creates contacts directly, as if they had always been in the portal: no HTTP, no rate
     * limit, no recording, and no property validation (seeded custom properties need not be
     * defined yet). Emails are lower-cased as HubSpot stores them and must be unique.
     */
    seedContacts(props: Array<Record<string, string>>): string[] {
      return props.map((values) => {
        const stored = { ...values };
        if (stored.email !== undefined) {
          stored.email = stored.email.trim().toLowerCase();
          const existing = state.findContactByEmail(stored.email);
          if (existing) throw new Error(`seedContacts: email ${stored.email} already used by contact ${existing.id}`);
        }
        return state.createContact(stored).id;
      });
    },
    getContact(id: string): SandboxContact | undefined {
      const contact = state.contacts.get(id);
      return contact ? state.sandboxContact(contact) : undefined;
    },
    listContacts(): SandboxContact[] {
      return [...state.contacts.values()].map((c) => state.sandboxContact(c));
    },
    getProperty(objectType: string, name: string): unknown | undefined {
      if (!normalizeObjectType(objectType)) return undefined;
      const property = state.properties.get(name);
      return property ? structuredClone(property) : undefined;
    },
    revokeRefreshTokens(): void {
      // Like an uninstall: refreshes fail with BAD_REFRESH_TOKEN, issued access tokens live on.
      state.refreshTokens.clear();
    },
    expireAccessTokens(): void {
      const now = state.now();
      for (const record of state.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
    },
    clearRequests(): void {
      state.requests.length = 0;
    },
  };
}
