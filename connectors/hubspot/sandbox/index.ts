// A local HubSpot-compatible server for tests, the demo and benchmarks: one developer app and
// one portal, HubSpot's real paths, bodies, status codes and limits, so that the real
// @hubspot/api-client works against it with only `basePath` changed.
//
//   const sandbox = createHubSpotSandbox();
//   await sandbox.start();
//   const client = new Client({ accessToken, basePath: sandbox.url });
//
// Besides the HTTP API it offers admin methods standing for a user in HubSpot's UI (their
// changes reach webhooks with changeSource CRM_UI), webhook delivery and fault injection.
import * as changes from './changes.ts';
import { SandboxHttpError } from './errors.ts';
import type { ObjectKind, StoredRecord } from './objects.ts';
import { addDealPipeline } from './pipelines.ts';
import { buildApp, SandboxServer } from './server.ts';
import { crmObjectType, SandboxState } from './state.ts';
import {
  type HubSpotSandbox,
  type HubSpotSandboxOptions,
  type LifecycleStageOption,
  type RecordedRequest,
  type SandboxContact,
  resolveOptions,
} from './types.ts';

export type {
  FaultConfig, HubSpotSandbox, HubSpotSandboxOptions, LifecycleStageOption, PipelineInput, PipelineStageInput,
  RecordedRequest, SandboxContact, SandboxDeal, WebhookConfig, WebhookDelivery,
} from './types.ts';
export { KNOWN_SCOPES } from './oauth-routes.ts';
export { signatureV3 } from './webhooks.ts';

/** Admin edits are checked like UI edits; a rejected value is a plain Error naming the problem. */
function adminValues(state: SandboxState, kind: ObjectKind, props: Record<string, string>, existing?: StoredRecord): Record<string, string> {
  try {
    return changes.validateValues(state, kind, [props], [existing])[0]!;
  } catch (error) {
    if (error instanceof SandboxHttpError) throw new Error(error.message);
    throw error;
  }
}

function setLifecycleStages(state: SandboxState, options: LifecycleStageOption[]): void {
  const values = options.map((o) => o.value);
  if (values.length === 0 || new Set(values).size !== values.length || values.some((v) => !v)) {
    throw new Error('setLifecycleStageOptions: values must be non-empty and unique');
  }
  const def = state.properties.get('lifecyclestage')!;
  def.options = options.map((o) => ({ label: o.label, value: o.value, displayOrder: o.displayOrder, hidden: false }));
  def.updatedAt = new Date(state.now()).toISOString();
}

export function createHubSpotSandbox(options: HubSpotSandboxOptions = {}): HubSpotSandbox {
  const state = new SandboxState(resolveOptions(options));
  const server = new SandboxServer(buildApp(state));
  const { opts } = state;
  const contact = (id: string): StoredRecord => {
    const found = state.contacts.get(id);
    if (!found) throw new Error(`no contact ${id}`);
    return found;
  };
  const deal = (id: string): StoredRecord => {
    const found = state.deals.get(id);
    if (!found) throw new Error(`no deal ${id}`);
    return found;
  };

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
    async stop() {
      state.webhooks.close();
      await server.stop();
    },

    /**
     * Creates contacts directly, as if they had always been in the portal: no HTTP, no rate
     * limit, no recording, no webhooks, and no property validation (seeded custom properties
     * need not be defined yet). Emails are lower-cased as HubSpot stores them and must be unique.
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
      const found = state.contacts.get(id);
      return found ? state.sandboxContact(found) : undefined;
    },
    listContacts(): SandboxContact[] {
      return [...state.contacts.values()].map((c) => state.sandboxContact(c));
    },
    getProperty(objectType: string, name: string): unknown | undefined {
      const type = crmObjectType(objectType);
      const property = type ? state.kind(type).lookup(name) : undefined;
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

    setLifecycleStageOptions: (stageOptions) => setLifecycleStages(state, stageOptions),
    updateContact(id, props) {
      const record = contact(id);
      const values = adminValues(state, state.contactKind, props, record);
      const owner = values.email ? state.findContactByEmail(values.email) : undefined;
      if (owner && owner.id !== id) throw new Error(`updateContact: email ${values.email} already used by contact ${owner.id}`);
      changes.updateRecord(state, state.contactKind, record, values, 'CRM_UI');
    },
    deleteContact: (id) => changes.deleteContact(state, id, 'CRM_UI'),
    restoreContact: (id) => changes.restoreContact(state, id, 'CRM_UI'),
    mergeContacts: (primaryId, mergedId) => changes.mergeContacts(state, primaryId, mergedId, 'CRM_UI'),
    privacyDeleteContact: (id) => changes.privacyDeleteContact(state, id, 'CRM_UI'),
    createDeal(props, contactIds = []) {
      try {
        return changes.createDeal(state, props, contactIds, 'CRM_UI').id;
      } catch (error) {
        throw error instanceof SandboxHttpError ? new Error(error.message) : error;
      }
    },
    updateDeal(id, props) {
      const record = deal(id);
      changes.updateRecord(state, state.dealKind, record, adminValues(state, state.dealKind, props, record), 'CRM_UI');
    },
    deleteDeal: (id) => changes.deleteDeal(state, id, 'CRM_UI'),
    getDeal(id) {
      const found = state.deals.get(id);
      return found ? state.sandboxDeal(found) : undefined;
    },
    listDeals: () => [...state.deals.values()].map((d) => state.sandboxDeal(d)),
    addDealPipeline: (pipeline) => addDealPipeline(state, pipeline),

    configureWebhooks: (config) => state.webhooks.configure(config),
    get webhookDeliveries() {
      return state.webhooks.deliveries;
    },
    flushWebhooks: () => state.webhooks.flush(),

    setFaults: (faults) => state.faults.set(faults),
    setRateLimit: ({ max, intervalMs }) => state.limiter.reconfigure(max, intervalMs),
  };
}
