/**
 * Every generated file under `manifests/`: each CRM renders its own from the field catalogue
 * (connectors/<crm>/manifests.ts). Pure: returns the files as a Map;
 * scripts/generate-manifests.ts writes or checks them, and a unit test fails when the files on
 * disk differ, so the catalogue stays the single source of truth.
 */
import { renderHubSpotManifests } from './hubspot/manifests.ts';
import { renderSalesforceManifests } from './salesforce/manifests.ts';

/** Every generated file, keyed by path relative to the repository root, sorted by path. */
export function renderManifests(): Map<string, string> {
  const files = [...renderHubSpotManifests(), ...renderSalesforceManifests()];
  const paths = new Set(files.map(([path]) => path));
  if (paths.size !== files.length) throw new Error('two connectors render the same manifest path');
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
