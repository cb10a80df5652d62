/**
 * The HubSpot connector: every HubSpot-specific fact Sway relies on lives in this folder.
 */
import type { Connector } from '../connector.ts';
import { accountInfo, authorizeUrl, exchangeCode, refresh } from './oauth.ts';
import { listContacts, readContacts, updateContacts } from './records.ts';
import { provision } from './schema.ts';

export const hubspot = {
  id: 'hubspot',
  oauth: { authorizeUrl, exchangeCode, refresh, accountInfo },
  provision,
  readContacts,
  listContacts,
  updateContacts,
} satisfies Connector;
