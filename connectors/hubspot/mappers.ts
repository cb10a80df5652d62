/**
 * Pure mappers between HubSpot shapes and Sway's (unit-tested without HTTP).
 */
import { SwayError } from '../../src/domain/errors.ts';
import { FIELD_CATALOGUE, type ContactFieldValues, type FieldKey } from '../../src/domain/fields.ts';
import type { CrmObject } from '../../src/domain/objects.ts';
import { hubspotPropertyName, toHubSpotValue } from './properties.ts';
import type { CrmContact, CrmDeal } from '../connector.ts';

/**
 * The HubSpot object type (the path segment of /crm/v3/objects/{type}) for each neutral object
 * Sway writes in HubSpot. HubSpot has no separate leads for Sway, and the sandbox serves batch
 * updates for contacts and deals only, so the others are not written.
 */
export const HUBSPOT_WRITE_OBJECTS = { contact: 'contacts', deal: 'deals' } as const satisfies Partial<Record<CrmObject, string>>;
export type HubSpotWriteObject = keyof typeof HUBSPOT_WRITE_OBJECTS;

/** The HubSpot object type for a neutral object; SwayError('UNSUPPORTED') when Sway does not write it in HubSpot. */
export function hubspotWriteObject(object: CrmObject): (typeof HUBSPOT_WRITE_OBJECTS)[HubSpotWriteObject] {
  if (!(object in HUBSPOT_WRITE_OBJECTS)) throw new SwayError('UNSUPPORTED', `the hubspot connector does not write ${object} records`);
  return HUBSPOT_WRITE_OBJECTS[object as HubSpotWriteObject];
}

/**
 * Catalogue values → the string map HubSpot's batch update takes for one object: only the
 * fields the catalogue gives that HubSpot object (undefined keys are left out).
 */
export function toHubSpotProperties(object: CrmObject, values: ContactFieldValues): Record<string, string> {
  hubspotWriteObject(object); // UNSUPPORTED for objects Sway does not write in HubSpot
  const out: Record<string, string> = {};
  for (const field of FIELD_CATALOGUE) {
    // The catalogue names neutral objects (src/domain/fields.ts): a deal gets none of the person fields.
    if (!(field.objects as readonly CrmObject[]).includes(object)) continue;
    if (!(field.key in values)) continue;
    out[hubspotPropertyName(field)] = toHubSpotValue(field, values[field.key as FieldKey]);
  }
  return out;
}

/** Properties the pull reads for each contact. */
export const CONTACT_READ_PROPERTIES = ['email', 'lifecyclestage', 'lastmodifieddate'] as const;

/** What to ask HubSpot for: the pull's own properties plus the caller's extras, once each. */
export function contactReadProperties(extraProperties: readonly string[] = []): string[] {
  return [...new Set([...CONTACT_READ_PROPERTIES, ...extraProperties])];
}

/**
 * `extraProperties`: the extra names the read asked for; their values (null when HubSpot sent
 * none — it omits unknown properties) go into `properties`. Without it, `properties` is absent.
 */
export function fromHubSpotContact(
  obj: { id: string; properties: Record<string, string | null | undefined> },
  extraProperties?: readonly string[],
): CrmContact {
  const email = obj.properties.email?.trim();
  const stage = obj.properties.lifecyclestage?.trim();
  const modified = obj.properties.lastmodifieddate ? new Date(obj.properties.lastmodifieddate) : null;
  const contact: CrmContact = {
    id: obj.id,
    email: email ? email : null,
    lifecycleStage: stage ? stage : null,
    modifiedAt: modified && !Number.isNaN(modified.getTime()) ? modified : null,
  };
  if (extraProperties) {
    const properties: Record<string, string | null> = {};
    for (const name of extraProperties) properties[name] = obj.properties[name] ?? null;
    contact.properties = properties;
  }
  return contact;
}

export const DEAL_READ_PROPERTIES = ['pipeline', 'dealstage', 'amount', 'closedate', 'hs_lastmodifieddate'] as const;

const date = (v: string | null | undefined): Date | null => {
  if (!v) return null;
  // HubSpot returns ISO strings; older payloads and webhooks may carry epoch milliseconds.
  const d = /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

export function fromHubSpotDeal(obj: { id: string; properties: Record<string, string | null | undefined> }, contactIds?: string[]): CrmDeal {
  const p = obj.properties;
  const amount = p.amount === undefined || p.amount === null || p.amount === '' ? null : Number(p.amount);
  return {
    id: obj.id,
    pipeline: p.pipeline || null,
    stage: p.dealstage || null,
    amount: amount !== null && Number.isFinite(amount) ? amount : null,
    closeDate: date(p.closedate),
    modifiedAt: date(p.hs_lastmodifieddate),
    ...(contactIds ? { contactIds } : {}),
  };
}

/** A pipeline stage is "won" when HubSpot marks it closed with probability 1. */
export function isWonStage(metadata: Record<string, string | undefined> | undefined): boolean {
  return metadata?.isClosed === 'true' && Number(metadata?.probability) === 1;
}
