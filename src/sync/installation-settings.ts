/**
 * An installation's settings with its CRM's defaults (`Connector.settingsDefaults`), for the
 * callers that hold an installation row; src/sync/settings.ts stays pure.
 */
import { connectors, type Connector, type CrmId } from '../../connectors/index.ts';
import { SwayError } from '../domain/errors.ts';
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
