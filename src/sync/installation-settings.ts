/**
 * An installation's settings with its CRM's defaults (`Connector.settingsDefaults`), for the
 * callers that hold an installation row; src/sync/settings.ts stays pure.
 */
import { connectors, type Connector, type CrmId } from '../../connectors/index.ts';
import { SwayError } from '../domain/errors.ts';
import { withDefaultStages, type CanonicalStage } from '../domain/stages.ts';
import { parseSettings, type Settings } from './settings.ts';

/** The connector of an installation's CRM; a CRM without one is a broken row, not user input. */
export function connectorFor(crm: string): Connector {
  const connector = Object.hasOwn(connectors, crm) ? connectors[crm as CrmId] : undefined;
  if (!connector) throw new SwayError('INTERNAL', `no connector for CRM "${crm.slice(0, 40)}"`);
  return connector;
}

/** parseSettings with the installation's CRM's defaults. */
export function settingsOf(inst: { crm: string; settings: unknown }): Settings {
  return parseSettings(inst.settings, connectorFor(inst.crm).settingsDefaults);
}

/**
 * The installation's CRM stage value → canonical stage: the map learnt at the last pull, the
 * admin's overrides on top, the CRM's defaults for values neither names. Matching and campaign
 * measurement both read stages through this, so they cannot map a stage differently.
 */
export function stageMapOf(inst: { crm: string; settings: unknown }, settings: Settings = settingsOf(inst)): Record<string, CanonicalStage> {
  return withDefaultStages({ ...settings.stageMap, ...settings.stageOverrides }, connectorFor(inst.crm).stages.defaults);
}
