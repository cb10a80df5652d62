/**
 * Pure mappers between HubSpot shapes and Sway's (unit-tested without HTTP).
 */
import { FIELD_CATALOGUE, toHubSpotValue, type ContactFieldValues, type FieldKey } from '../../src/domain/fields.ts';
import type { CrmContact } from '../connector.ts';

/** Catalogue values → the string map HubSpot's batch update takes (undefined keys are left out). */
export function toHubSpotProperties(values: ContactFieldValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of FIELD_CATALOGUE) {
    if (!field.hubspot.objects.includes('contacts')) continue;
    if (!(field.key in values)) continue;
    out[field.hubspot.name] = toHubSpotValue(field, values[field.key as FieldKey]);
  }
  return out;
}

/** Properties the pull reads for each contact. */
export const CONTACT_READ_PROPERTIES = ['email', 'lifecyclestage', 'lastmodifieddate'] as const;

export function fromHubSpotContact(obj: { id: string; properties: Record<string, string | null | undefined> }): CrmContact {
  const email = obj.properties.email?.trim();
  const stage = obj.properties.lifecyclestage?.trim();
  const modified = obj.properties.lastmodifieddate ? new Date(obj.properties.lastmodifieddate) : null;
  return {
    id: obj.id,
    email: email ? email : null,
    lifecycleStage: stage ? stage : null,
    modifiedAt: modified && !Number.isNaN(modified.getTime()) ? modified : null,
  };
}
