/**
 * Provisioning: the "sway" property group and every catalogue field HubSpot contacts get.
 * Idempotent by reading first and treating 409 as "already there" (another worker, or an
 * admin, may have created it between our read and our write).
 */
import { SwayError } from '../../src/domain/errors.ts';
import type { CrmSession, ProvisionResult } from '../connector.ts';
import { callOptions, sessionClient } from './client.ts';
import { classifyHubSpotError } from './errors.ts';
import { HUBSPOT_PROPERTY_GROUP, hubspotFieldsFor, toHubSpotPropertyCreate } from './properties.ts';

const OBJECT_TYPE = 'contacts';

async function createUnlessExists(create: () => Promise<unknown>, what: string): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (err) {
    const e = classifyHubSpotError(err, what);
    if (e.code === 'CONFLICT') return false;
    throw e;
  }
}

export async function provision(session: CrmSession): Promise<ProvisionResult> {
  const client = sessionClient(session);
  let groups: { name: string }[];
  let properties: { name: string }[];
  try {
    groups = (await client.crm.properties.groupsApi.getAll(OBJECT_TYPE, callOptions(session))).results;
    properties = (await client.crm.properties.coreApi.getAll(OBJECT_TYPE, undefined, undefined, callOptions(session))).results;
  } catch (err) {
    throw classifyHubSpotError(err, 'HubSpot property read');
  }

  let groupCreated = false;
  if (!groups.some((g) => g.name === HUBSPOT_PROPERTY_GROUP.name)) {
    groupCreated = await createUnlessExists(
      () => client.crm.properties.groupsApi.create(OBJECT_TYPE, { ...HUBSPOT_PROPERTY_GROUP }, callOptions(session)),
      'HubSpot property group create',
    );
  }

  const have = new Set(properties.map((p) => p.name));
  const created: string[] = [];
  const existing: string[] = [];
  // One at a time: a dozen calls once per install, and a failure names the exact property.
  for (const field of hubspotFieldsFor(OBJECT_TYPE)) {
    const def = toHubSpotPropertyCreate(field);
    if (have.has(def.name)) {
      existing.push(def.name);
      continue;
    }
    const made = await createUnlessExists(
      () => client.crm.properties.coreApi.create(OBJECT_TYPE, def as never, callOptions(session)),
      `HubSpot property create (${def.name})`,
    );
    (made ? created : existing).push(def.name);
  }
  if (created.length + existing.length === 0) throw new SwayError('INTERNAL', 'field catalogue has no HubSpot contact fields');
  return { created, existing, groupCreated };
}
