// Everything one sandbox remembers: one External Client App, one org and its admin user, tokens,
// records per object (deleted ones kept with their deletion time and MasterRecordId), custom
// fields, query cursors, Bulk jobs, the daily API counter, fault settings and the request log.
// Nothing is persisted.
import { makeId, normalizeId } from './ids.ts';
import type { BulkJob } from './bulk-jobs.ts';
import { FaultInjector } from './faults.ts';
import { DailyUsage } from './limits.ts';
import { DEFAULT_STAGES, findField, type FieldDef, type ObjectDef, standardObjects } from './schema.ts';
import type { RecordedRequest, ResolvedOptions, SandboxRecord } from './types.ts';

export interface StoredRecord {
  type: string;
  values: SandboxRecord;
  deletedAt?: number;
}

export interface TokenRecord {
  token: string;
  expiresAt: number;
  refreshToken?: string; // the refresh token it was issued with (revoking that kills it too)
}

export interface AuthCode {
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  expiresAt: number;
}

export interface CustomFieldRecord {
  id: string;
  object: string;
  developerName: string; // without __c
  metadata: Record<string, unknown>;
  createdAt: number;
}

export interface QueryCursor {
  rows: Record<string, unknown>[];
  offset: number;
  lastUsed: number;
}

export interface StageMeta {
  probability: number;
  closed: boolean;
  won: boolean;
}

/** Salesforce's datetime format: 2026-12-03T19:00:00.000+0000. */
export const sfDateTime = (ms: number): string => new Date(ms).toISOString().replace('Z', '+0000');

export class SandboxState {
  readonly objects = new Map<string, ObjectDef>();
  readonly records = new Map<string, StoredRecord>(); // by 18-char id, every object
  private readonly byType = new Map<string, Map<string, StoredRecord>>(); // the same records per object
  /** Field-level security from FieldPermissions rows, rebuilt after any of them changes. */
  private grants: Map<string, { read: boolean; edit: boolean }> | undefined;
  readonly customFields: CustomFieldRecord[] = [];
  readonly stages = new Map<string, StageMeta>(DEFAULT_STAGES.map(([v, probability, closed, won]) => [v, { probability, closed, won }]));
  readonly codes = new Map<string, AuthCode>();
  readonly accessTokens = new Map<string, TokenRecord>();
  readonly refreshTokens = new Set<string>();
  readonly cursors = new Map<string, QueryCursor>();
  readonly jobs = new Map<string, BulkJob>();
  readonly requests: RecordedRequest[] = [];
  readonly faults = new FaultInjector();
  readonly usage: DailyUsage;
  rotateRefreshTokens: boolean;
  /** True during admin methods: the UI user sees every field, whatever field-level security says. */
  adminMode = false;
  private counters = new Map<string, number>();

  constructor(readonly opts: ResolvedOptions) {
    for (const object of standardObjects()) this.objects.set(object.name, object);
    this.usage = new DailyUsage(opts.dailyApiLimit, opts.now);
    this.rotateRefreshTokens = opts.rotateRefreshTokens;
  }

  now(): number {
    return this.opts.now();
  }

  nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return makeId(prefix, n);
  }

  /** The object named `name` (case-insensitive, as Salesforce resolves sObject names). */
  object(name: string): ObjectDef | undefined {
    const lower = name.toLowerCase();
    for (const object of this.objects.values()) if (object.name.toLowerCase() === lower) return object;
    return undefined;
  }

  /** A live (not deleted) record of `type` by a 15- or 18-character id. */
  live(type: string, id: string): StoredRecord | undefined {
    const full = normalizeId(id);
    const record = full ? this.records.get(full) : undefined;
    return record && record.type === type && record.deletedAt === undefined ? record : undefined;
  }

  addRecord(record: StoredRecord): void {
    this.records.set(record.values.Id, record);
    let ofType = this.byType.get(record.type);
    if (!ofType) this.byType.set(record.type, (ofType = new Map()));
    ofType.set(record.values.Id, record);
    this.touched(record.type);
  }

  removeRecord(record: StoredRecord): void {
    this.records.delete(record.values.Id);
    this.byType.get(record.type)?.delete(record.values.Id);
    this.touched(record.type);
  }

  /** Every record of `type`, deleted ones included, in creation order. */
  recordsOf(type: string): StoredRecord[] {
    return [...(this.byType.get(type)?.values() ?? [])];
  }

  liveRecords(type: string): StoredRecord[] {
    return this.recordsOf(type).filter((r) => r.deletedAt === undefined);
  }

  /** Writers call this after changing a record of `type` (permissions are cached). */
  touched(type: string): void {
    if (type === 'FieldPermissions') this.grants = undefined;
  }

  /**
   * Whether the API user may see (`read`) or change (`edit`) a field: standard fields always;
   * custom fields only once a FieldPermissions row grants it, as field-level security works.
   */
  canAccess(object: ObjectDef, field: FieldDef, mode: 'read' | 'edit'): boolean {
    if (!field.custom || this.adminMode) return true;
    if (!this.grants) {
      this.grants = new Map();
      for (const { values: v } of this.liveRecords('FieldPermissions')) {
        const key = String(v.Field).toLowerCase();
        const grant = this.grants.get(key) ?? { read: false, edit: false };
        grant.edit ||= v.PermissionsEdit === true;
        grant.read ||= v.PermissionsRead === true || v.PermissionsEdit === true;
        this.grants.set(key, grant);
      }
    }
    return this.grants.get(`${object.name}.${field.name}`.toLowerCase())?.[mode] === true;
  }

  /** The fields of `object` the API user can read, in definition order. */
  visibleFields(object: ObjectDef): FieldDef[] {
    return object.fields.filter((field) => this.canAccess(object, field, 'read'));
  }

  visibleField(object: ObjectDef, name: string, mode: 'read' | 'edit' = 'read'): FieldDef | undefined {
    const field = findField(object, name);
    return field && this.canAccess(object, field, mode) ? field : undefined;
  }
}
