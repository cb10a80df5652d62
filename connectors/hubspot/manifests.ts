/**
 * The HubSpot file under `manifests/hubspot`: the property group and every property contacts
 * and deals get, exactly as provisioning creates them (./schema.ts). Pure; the driver is
 * connectors/manifests.ts.
 */
import { GENERATED_NOTE } from '../../src/domain/fields.ts';
import { HUBSPOT_PROPERTY_GROUP, HUBSPOT_PROPERTY_OBJECTS, hubspotFieldsFor, toHubSpotPropertyCreate } from './properties.ts';

/** Every HubSpot file, keyed by path relative to the repository root. */
export function renderHubSpotManifests(): Map<string, string> {
  const body = {
    $comment: `${GENERATED_NOTE}; run npm run manifests`,
    group: HUBSPOT_PROPERTY_GROUP,
    properties: Object.fromEntries(HUBSPOT_PROPERTY_OBJECTS.map((o) => [o, hubspotFieldsFor(o).map(toHubSpotPropertyCreate)])),
  };
  return new Map([['manifests/hubspot/properties.json', `${JSON.stringify(body, null, 2)}\n`]]);
}
