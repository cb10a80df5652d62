// Everything one sandbox remembers: one developer app, one portal, its tokens, contacts,
// property definitions and the request log. Routes read and change it; nothing is persisted.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  BUILT_IN_CONTACT_GROUPS,
  builtInContactProperties,
  type PropertyDefinition,
  type PropertyGroup,
} from './property-defs.ts';
import { RollingWindowLimiter } from './rate-limit.ts';
import type { RecordedRequest, ResolvedOptions, SandboxContact } from './types.ts';

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

export interface StoredContact {
  id: string;
  // Values as stored; derived ones (hs_object_id, lastmodifieddate, createdate default) are not here.
  values: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

/** The default properties HubSpot returns for contacts when a request names none. */
export const DEFAULT_CONTACT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
/** Always returned, whatever properties were asked for. */
export const ALWAYS_RETURNED = ['createdate', 'hs_object_id', 'lastmodifieddate'];

/** 'contacts' and its object type id '0-1' are the only object types this sandbox serves. */
export function normalizeObjectType(objectType: string): 'contacts' | undefined {
  return objectType === 'contacts' || objectType === 'contact' || objectType === '0-1' ? 'contacts' : undefined;
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
  private nextContactId = 1;

  constructor(readonly opts: ResolvedOptions) {
    this.limiter = new RollingWindowLimiter(opts.rateLimit.max, opts.rateLimit.intervalMs, opts.now);
    const at = new Date(opts.now()).toISOString();
    for (const p of builtInContactProperties(at)) this.properties.set(p.name, p);
    for (const g of BUILT_IN_CONTACT_GROUPS) this.groups.set(g.name, { ...g });
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
    const t = this.now();
    const id = String(this.nextContactId++);
    const contact: StoredContact = { id, values: {}, createdAt: t, updatedAt: t };
    this.applyValues(contact, values);
    contact.updatedAt = t;
    this.contacts.set(id, contact);
    return contact;
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
    if (name === 'hs_object_id') return contact.id;
    if (name === 'lastmodifieddate') return new Date(contact.updatedAt).toISOString();
    if (name === 'createdate') return contact.values.createdate ?? new Date(contact.createdAt).toISOString();
    return contact.values[name] ?? null;
  }

  /** The API view of a contact: the named properties, unset ones as null. */
  contactJson(contact: StoredContact, names: string[]): {
    id: string; properties: Record<string, string | null>; createdAt: string; updatedAt: string; archived: false;
  } {
    const properties: Record<string, string | null> = {};
    for (const name of names) properties[name] = this.valueOf(contact, name);
    return {
      id: contact.id,
      properties,
      createdAt: new Date(contact.createdAt).toISOString(),
      updatedAt: new Date(contact.updatedAt).toISOString(),
      archived: false,
    };
  }

  /** The test-facing view: every set value plus the derived ones. */
  sandboxContact(contact: StoredContact): SandboxContact {
    const names = [...new Set([...Object.keys(contact.values), ...ALWAYS_RETURNED])];
    const { id, properties, createdAt, updatedAt } = this.contactJson(contact, names);
    return { id, properties, createdAt, updatedAt };
  }
}
