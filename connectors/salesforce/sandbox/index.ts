// A local Salesforce-compatible server for tests, the demo and benchmarks: one External Client
// App, one org, Salesforce's real paths, bodies, status codes and errors for API v68.0, so that
// the real jsforce works against it with only loginUrl / instanceUrl pointing at `url`.
//
//   const sandbox = createSalesforceSandbox();
//   await sandbox.start();
//   const oauth2 = new jsforce.OAuth2({ loginUrl: sandbox.url, clientId, clientSecret, redirectUri, useVerifier: true });
//
// Besides the HTTP API it offers admin methods standing for a user in Salesforce's UI (seeding,
// edits, deletes, merges, picklist values), the request log and fault injection.
import { RecordWriteError } from './errors.ts';
import { deleteRecord, insertRecord, updateRecord } from './records.ts';
import { picklist } from './schema.ts';
import { buildApp, SandboxServer } from './server.ts';
import { SandboxState, sfDateTime } from './state.ts';
import type { FaultConfig, PicklistValueInput, RecordedRequest, SalesforceSandboxOptions, SandboxRecord } from './types.ts';
import { resolveOptions } from './types.ts';

export type { FaultConfig, PicklistValueInput, RecordedRequest, SalesforceSandboxOptions, SandboxRecord } from './types.ts';
export { API_VERSION } from './types.ts';
export { pkceChallenge } from './oauth-routes.ts';

export interface StageInput extends PicklistValueInput {
  probability?: number;
  closed?: boolean;
  won?: boolean;
}

export interface SalesforceSandbox {
  readonly url: string; // login host and instance_url alike
  readonly clientId: string;
  readonly clientSecret: string;
  readonly orgId: string;
  readonly userId: string;
  readonly requests: RecordedRequest[];
  start(port?: number): Promise<string>;
  stop(): Promise<void>;
  clearRequests(): void;
  /** Creates records as an admin would in the UI: field checks apply, faults and counting do not. */
  seedRecords(type: string, records: Array<Record<string, unknown>>): string[];
  updateRecord(type: string, id: string, values: Record<string, unknown>): void;
  deleteRecord(type: string, id: string): void;
  /** Merges duplicates into the master: they are deleted with MasterRecordId set (contact roles follow the master). */
  mergeRecords(type: string, masterId: string, duplicateIds: string[]): void;
  /** A copy of a record, deleted ones included (IsDeleted true). */
  getRecord(type: string, id: string): SandboxRecord | undefined;
  listRecords(type: string): SandboxRecord[];
  setPicklistValues(type: string, field: string, values: StageInput[]): void;
  setRotateRefreshTokens(rotate: boolean): void;
  expireAccessTokens(): void;
  revokeRefreshTokens(): void;
  readonly apiUsage: { used: number; max: number };
  setApiUsage(used: number, max?: number): void;
  setFaults(config: FaultConfig): void;
}

export function createSalesforceSandbox(options: SalesforceSandboxOptions = {}): SalesforceSandbox {
  const state = new SandboxState(resolveOptions(options));
  const server = new SandboxServer();
  server.app = buildApp(state, () => server.url);
  const objectOf = (type: string) => {
    const object = state.object(type);
    if (!object) throw new Error(`no sObject type ${type}`);
    return object;
  };
  /** Admin edits are checked like UI edits; a rejected value is a plain Error naming the problem. */
  const asAdmin = <T>(name: string, run: () => T): T => {
    state.adminMode = true;
    try {
      return run();
    } catch (error) {
      throw error instanceof RecordWriteError ? new Error(`${name}: ${error.error.statusCode}: ${error.message}`) : error;
    } finally {
      state.adminMode = false;
    }
  };
  const live = (type: string, id: string) => {
    const record = state.live(objectOf(type).name, id);
    if (!record) throw new Error(`no live ${type} ${id}`);
    return record;
  };

  return {
    get url() {
      return server.url;
    },
    clientId: state.opts.clientId,
    clientSecret: state.opts.clientSecret,
    orgId: state.opts.orgId,
    userId: state.opts.userId,
    get requests() {
      return state.requests;
    },
    start: (port) => server.start(port),
    stop: () => server.stop(),
    clearRequests: () => void (state.requests.length = 0),

    seedRecords: (type, records) => asAdmin('seedRecords', () => records.map((values) => insertRecord(state, objectOf(type), values, true).values.Id)),
    updateRecord: (type, id, values) => void asAdmin('updateRecord', () => updateRecord(state, objectOf(type), id, values, true)),
    deleteRecord: (type, id) => deleteRecord(state, live(type, id)),
    mergeRecords(type, masterId, duplicateIds) {
      const master = live(type, masterId);
      if (duplicateIds.length < 1 || duplicateIds.length > 2) throw new Error('mergeRecords: Salesforce merges one or two duplicates into a master');
      const duplicates = duplicateIds.map((id) => live(type, id));
      if (duplicates.some((d) => d === master)) throw new Error('mergeRecords: the master cannot be its own duplicate');
      for (const duplicate of duplicates) {
        deleteRecord(state, duplicate, master.values.Id);
        for (const role of state.liveRecords('OpportunityContactRole')) {
          if (role.values.ContactId === duplicate.values.Id) Object.assign(role.values, { ContactId: master.values.Id, SystemModstamp: sfDateTime(state.now()) });
        }
      }
      Object.assign(master.values, { LastModifiedDate: sfDateTime(state.now()), SystemModstamp: sfDateTime(state.now()) });
    },
    getRecord(type, id) {
      const record = state.recordsOf(objectOf(type).name).find((r) => r.values.Id.slice(0, 15) === id.slice(0, 15));
      return record ? structuredClone(record.values) : undefined;
    },
    listRecords: (type) => state.liveRecords(objectOf(type).name).map((r) => structuredClone(r.values)),
    setPicklistValues(type, fieldName, values) {
      const object = objectOf(type);
      const field = object.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
      if (!field || field.type !== 'picklist') throw new Error(`setPicklistValues: ${type}.${fieldName} is not a picklist`);
      const names = values.map((v) => v.value);
      if (names.length === 0 || new Set(names).size !== names.length || names.some((n) => !n)) throw new Error('setPicklistValues: values must be non-empty and unique');
      field.picklist = picklist(names, values.find((v) => v.default)?.value).map((p, i) => ({ ...p, label: values[i]!.label ?? p.value }));
      if (object.name === 'Opportunity' && field.name === 'StageName') {
        state.stages.clear();
        for (const v of values) state.stages.set(v.value, { probability: v.probability ?? 0, closed: v.closed ?? false, won: v.won ?? false });
      }
    },
    setRotateRefreshTokens: (rotate) => void (state.rotateRefreshTokens = rotate),
    expireAccessTokens() {
      for (const record of state.accessTokens.values()) record.expiresAt = Math.min(record.expiresAt, state.now());
    },
    revokeRefreshTokens: () => state.refreshTokens.clear(),
    get apiUsage() {
      return { used: state.usage.max - state.usage.remaining, max: state.usage.max };
    },
    setApiUsage: (used, max) => state.usage.set(used, max),
    setFaults: (config) => state.faults.set(config),
  };
}
