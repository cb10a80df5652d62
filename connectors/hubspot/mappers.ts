/**
 * Pure mappers between HubSpot shapes and Sway's (unit-tested without HTTP).
 */
import { FIELD_CATALOGUE, type ContactFieldValues, type FieldKey } from '../../src/domain/fields.ts';
import { hubspotObjectsOf, hubspotPropertyName, toHubSpotValue } from './properties.ts';
import type { CrmContact, CrmDeal } from '../connector.ts';

/** Catalogue values → the string map HubSpot's batch update takes (undefined keys are left out). */
export function toHubSpotProperties(values: ContactFieldValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of FIELD_CATALOGUE) {
    if (!hubspotObjectsOf(field).includes('contacts')) continue;
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
