/**
 * The HubSpot file under `manifests/hubspot`: the property group and every property contacts
 * get, exactly as provisioning creates them (./schema.ts). Pure; the driver is
 * connectors/manifests.ts.
 */
import { GENERATED_NOTE } from '../../src/domain/fields.ts';
import { HUBSPOT_PROPERTY_GROUP, hubspotFieldsFor, toHubSpotPropertyCreate } from './properties.ts';

/** Every HubSpot file, keyed by path relative to the repository root. */
export function renderHubSpotManifests(): Map<string, string> {
  const body = {
    $comment: `${GENERATED_NOTE}; run npm run manifests`,
    group: HUBSPOT_PROPERTY_GROUP,
    properties: { contacts: hubspotFieldsFor('contacts').map(toHubSpotPropertyCreate) },
  };
  return new Map([['manifests/hubspot/properties.json', `${JSON.stringify(body, null, 2)}\n`]]);
}
