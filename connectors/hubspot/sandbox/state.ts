// Everything one sandbox remembers: one developer app, one portal, its tokens, contacts, deals,
// pipelines, property definitions, webhook and fault settings and the request log. Routes read
// it; changes that HubSpot would announce by webhook go through changes.ts. Nothing is persisted.
import { randomBytes, randomUUID } from 'node:crypto';
import { BUILT_IN_DEAL_GROUPS, builtInDealProperties, DEAL_ALWAYS_RETURNED, DEFAULT_DEAL_PROPERTIES, defaultDealPipeline, type Pipeline } from './deal-defs.ts';
import { FaultInjector } from './faults.ts';
import { fullView, type ObjectKind, recordJson, type StoredRecord, valueOf } from './objects.ts';
import {
  BUILT_IN_CONTACT_GROUPS,
  builtInContactProperties,
  type PropertyDefinition,
  type PropertyGroup,
} from './property-defs.ts';
import { RollingWindowLimiter } from './rate-limit.ts';
import type { RecordedRequest, ResolvedOptions, SandboxContact, SandboxDeal } from './types.ts';
import { WebhookDispatcher } from './webhooks.ts';

export const AUTH_CODE_TTL_MS = 10 * 60 * 1000;

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
}

export interface AccessTokenRecord {
  token: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
}

export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  scopes: string[];
}

export type StoredContact = StoredRecord;

/** A deleted (archived) contact: HubSpot keeps it restorable for 90 days. */
export interface ArchivedRecord {
  record: StoredRecord;
  archivedAt: number;
}

/** The default properties HubSpot returns for contacts when a request names none. */
export const DEFAULT_CONTACT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
/** Always returned, whatever properties were asked for. */
export const ALWAYS_RETURNED = ['createdate', 'hs_object_id', 'lastmodifieddate'];

/** 'contacts' and its object type id '0-1' (deals have their own: crmObjectType). */
export function normalizeObjectType(objectType: string): 'contacts' | undefined {
  return objectType === 'contacts' || objectType === 'contact' || objectType === '0-1' ? 'contacts' : undefined;
}

/** The object types served under /crm/v3/objects and associations: names, singulars and type ids. */
export function crmObjectType(objectType: string): 'contacts' | 'deals' | undefined {
  if (normalizeObjectType(objectType)) return 'contacts';
  return objectType === 'deals' || objectType === 'deal' || objectType === '0-3' ? 'deals' : undefined;
}

export class SandboxState {
  readonly requests: RecordedRequest[] = [];
  readonly limiter: RollingWindowLimiter;
  readonly codes = new Map<string, AuthCode>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly contacts = new Map<string, StoredContact>();
  readonly properties = new Map<string, PropertyDefinition>();
  readonly groups = new Map<string, PropertyGroup>();
  readonly archivedContacts = new Map<string, ArchivedRecord>();
  /** Merged-away contact id → id of the record it was merged into (followed transitively). */
  readonly mergedInto = new Map<string, string>();
  readonly deals = new Map<string, StoredRecord>();
  readonly dealProperties = new Map<string, PropertyDefinition>();
  readonly dealGroups = new Map<string, PropertyGroup>();
  /** Deal id → associated contact ids (deal_to_contact, typeId 3), in association order. */
  readonly dealContacts = new Map<string, string[]>();
  readonly pipelines = new Map<string, Pipeline>();
  readonly searchLimiter: RollingWindowLimiter;
  readonly webhooks: WebhookDispatcher;
  readonly faults = new FaultInjector();
  readonly contactKind: ObjectKind;
  readonly dealKind: ObjectKind;
  private nextContactId: number;
  // Deal ids come from another range, as on HubSpot, so a deal id never passes for a contact id.
  private nextDealId: number;
  private nextCustomId = 100_000_001;

  constructor(readonly opts: ResolvedOptions) {
    this.nextContactId = opts.firstIds.contact;
    this.nextDealId = opts.firstIds.deal;
    this.limiter = new RollingWindowLimiter(opts.rateLimit.max, opts.rateLimit.intervalMs, opts.now);
    this.searchLimiter = new RollingWindowLimiter(opts.searchRateLimit.max, opts.searchRateLimit.intervalMs, opts.now);
    this.webhooks = new WebhookDispatcher({ portalId: opts.portalId, appId: opts.appId, clientSecret: opts.clientSecret, now: opts.now });
    const at = new Date(opts.now()).toISOString();
    for (const p of builtInContactProperties(at)) this.properties.set(p.name, p);
    for (const g of BUILT_IN_CONTACT_GROUPS) this.groups.set(g.name, { ...g });
    for (const p of builtInDealProperties(at)) this.dealProperties.set(p.name, p);
    for (const g of BUILT_IN_DEAL_GROUPS) this.dealGroups.set(g.name, { ...g });
    const pipeline = defaultDealPipeline(at);
    this.pipelines.set(pipeline.id, pipeline);
    this.contactKind = {
      name: 'contacts', singular: 'contact', upper: 'CONTACT', records: this.contacts,
      defaults: DEFAULT_CONTACT_PROPERTIES, always: ALWAYS_RETURNED, lastModified: 'lastmodifieddate',
      readScope: 'crm.objects.contacts.read', writeScope: 'crm.objects.contacts.write',
      lookup: (name) => this.properties.get(name),
    };
    this.dealKind = {
      name: 'deals', singular: 'deal', upper: 'DEAL', records: this.deals,
      defaults: DEFAULT_DEAL_PROPERTIES, always: DEAL_ALWAYS_RETURNED, lastModified: 'hs_lastmodifieddate',
      readScope: 'crm.objects.deals.read', writeScope: 'crm.objects.deals.write',
      lookup: (name) => this.dealProperty(name),
    };
  }

  kind(name: 'contacts' | 'deals'): ObjectKind {
    return name === 'contacts' ? this.contactKind : this.dealKind;
  }

  /** Deal definitions with dealstage/pipeline options taken from the current pipelines. */
  dealProperty(name: string): PropertyDefinition | undefined {
    const def = this.dealProperties.get(name);
    if (!def || (name !== 'dealstage' && name !== 'pipeline')) return def;
    const pipelines = [...this.pipelines.values()];
    const entries = name === 'pipeline'
      ? pipelines.map((p) => ({ label: p.label, value: p.id }))
      : pipelines.flatMap((p) => p.stages.map((s) => ({ label: s.label, value: s.id })));
    return { ...def, options: entries.map((o, displayOrder) => ({ ...o, displayOrder, hidden: false })) };
  }

  /** A numeric id for custom pipelines and stages, as HubSpot gives them. */
  customId(): string {
    return String(this.nextCustomId++);
  }

  now(): number {
    return this.opts.now();
  }

  // ---- OAuth -------------------------------------------------------------------------------

  issueCode(clientId: string, redirectUri: string, scopes: string[]): string {
    const code = randomUUID();
    this.codes.set(code, { clientId, redirectUri, scopes, expiresAt: this.now() + AUTH_CODE_TTL_MS });
    return code;
  }

  issueRefreshToken(clientId: string, scopes: string[]): RefreshTokenRecord {
    // HubSpot refresh tokens look like "na1-xxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
    const token = `na1-${randomUUID().slice(4)}`;
    const record = { token, clientId, scopes };
    this.refreshTokens.set(token, record);
    return record;
  }

  issueAccessToken(scopes: string[]): AccessTokenRecord {
    const issuedAt = this.now();
    const token = `CK${randomBytes(48).toString('base64url')}`;
    const record = { token, scopes, issuedAt, expiresAt: issuedAt + this.opts.accessTokenTtlSeconds * 1000 };
    this.accessTokens.set(token, record);
    return record;
  }

  // ---- Contacts ----------------------------------------------------------------------------

  createContact(values: Record<string, string>): StoredContact {
    return this.createRecord(this.contactKind, values);
  }

  /** Stores a new record without announcing it (changes.ts announces API and admin creations). */
  createRecord(kind: ObjectKind, values: Record<string, string>): StoredRecord {
    const t = this.now();
    const id = String(kind.name === 'contacts' ? this.nextContactId++ : this.nextDealId++);
    const record: StoredRecord = { id, values: {}, createdAt: t, updatedAt: t };
    this.applyValues(record, values);
    record.updatedAt = t;
    kind.records.set(id, record);
    return record;
  }

  /** A live contact by id, following merges when the portal resolves merged-away ids. */
  resolveContact(id: string): StoredContact | undefined {
    let current = id;
    for (let hops = 0; this.opts.mergedIdsResolve && hops < 100 && this.mergedInto.has(current); hops++) current = this.mergedInto.get(current)!;
    return this.contacts.get(current);
  }

  /** Live contacts associated with a deal (archived ones are hidden, as on HubSpot). */
  dealContactIds(dealId: string): string[] {
    return (this.dealContacts.get(dealId) ?? []).filter((id) => this.contacts.has(id));
  }

  /** Deals associated with a live contact, in deal id order. */
  contactDealIds(contactId: string): string[] {
    return [...this.dealContacts.entries()].filter(([, ids]) => ids.includes(contactId)).map(([dealId]) => dealId);
  }

  /** "" clears a value; everything else overwrites it. Bumps lastmodifieddate. */
  applyValues(contact: StoredContact, values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) {
      if (value === '') delete contact.values[name];
      else contact.values[name] = value;
    }
    // Keep updatedAt strictly increasing so "modified since" cursors always see our own writes.
    contact.updatedAt = Math.max(this.now(), contact.updatedAt + 1);
  }

  findContactByEmail(email: string): StoredContact | undefined {
    const wanted = email.trim().toLowerCase();
    for (const c of this.contacts.values()) if (c.values.email === wanted) return c;
    return undefined;
  }

  valueOf(contact: StoredContact, name: string): string | null {
    return valueOf(this.contactKind, contact, name);
  }

  /** The API view of a contact: the named properties, unset ones as null. */
  contactJson(contact: StoredContact, names: string[]) {
    return recordJson(this.contactKind, contact, names);
  }

  /** The test-facing view: every set value plus the derived ones. */
  sandboxContact(contact: StoredContact): SandboxContact {
    return fullView(this.contactKind, contact);
  }

  sandboxDeal(deal: StoredRecord): SandboxDeal {
    return { ...fullView(this.dealKind, deal), contactIds: this.dealContactIds(deal.id) };
  }
}
