/**
 * Provisioning: the "sway" property group and every catalogue field HubSpot contacts and deals
 * get (on deals: the influencing campaign).
 * Idempotent by reading first and treating 409 as "already there" (another worker, or an
 * admin, may have created it between our read and our write).
 */
import { SwayError } from '../../src/domain/errors.ts';
import type { CrmSession, ProvisionResult } from '../connector.ts';
import { callOptions, sessionClient } from './client.ts';
import { classifyHubSpotError } from './errors.ts';
import { HUBSPOT_PROPERTY_GROUP, HUBSPOT_PROPERTY_OBJECTS, hubspotFieldsFor, toHubSpotPropertyCreate, type HubSpotObjectType } from './properties.ts';

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
  const out: ProvisionResult = { created: [], existing: [], groupCreated: false };
  for (const objectType of HUBSPOT_PROPERTY_OBJECTS) {
    let r: ProvisionResult;
    try {
      r = await provisionObject(session, objectType);
    } catch (err) {
      // An install from before deal write-back lacks crm.schemas.deals.*: contacts still work,
      // and the deal field waits for a reinstall with the current scopes (README, Campaigns).
      if (objectType !== 'contacts' && err instanceof SwayError && err.code === 'FORBIDDEN') continue;
      throw err;
    }
    // Names are per object type: a deal property is reported as deals.<name>, contacts' as before.
    const label = (n: string) => (objectType === 'contacts' ? n : `${objectType}.${n}`);
    out.created.push(...r.created.map(label));
    out.existing.push(...r.existing.map(label));
    out.groupCreated ||= r.groupCreated;
  }
  if (out.created.length + out.existing.length === 0) throw new SwayError('INTERNAL', 'field catalogue has no HubSpot fields');
  return out;
}

/** The "sway" group and the catalogue's properties on one object type (contacts, deals). */
async function provisionObject(session: CrmSession, objectType: HubSpotObjectType): Promise<ProvisionResult> {
  const client = sessionClient(session);
  let groups: { name: string }[];
  let properties: { name: string }[];
  try {
    groups = (await client.crm.properties.groupsApi.getAll(objectType, callOptions(session))).results;
    properties = (await client.crm.properties.coreApi.getAll(objectType, undefined, undefined, callOptions(session))).results;
  } catch (err) {
    throw classifyHubSpotError(err, `HubSpot ${objectType} property read`);
  }

  let groupCreated = false;
  if (!groups.some((g) => g.name === HUBSPOT_PROPERTY_GROUP.name)) {
    groupCreated = await createUnlessExists(
      () => client.crm.properties.groupsApi.create(objectType, { ...HUBSPOT_PROPERTY_GROUP }, callOptions(session)),
      `HubSpot ${objectType} property group create`,
    );
  }

  const have = new Set(properties.map((p) => p.name));
  const created: string[] = [];
  const existing: string[] = [];
  // One at a time: a dozen calls once per install, and a failure names the exact property.
  for (const field of hubspotFieldsFor(objectType)) {
    const def = toHubSpotPropertyCreate(field);
    if (have.has(def.name)) {
      existing.push(def.name);
      continue;
    }
    const made = await createUnlessExists(
      () => client.crm.properties.coreApi.create(objectType, def as never, callOptions(session)),
      `HubSpot ${objectType} property create (${def.name})`,
    );
    (made ? created : existing).push(def.name);
  }
  return { created, existing, groupCreated };
}
