/** The typed connector registry. Salesforce joins here with its own folder. */
import type { Connector, CrmId } from './connector.ts';
import { hubspot } from './hubspot/index.ts';

export const connectors = { hubspot } satisfies Record<CrmId, Connector>;
export type { Connector, CrmId } from './connector.ts';
