/**
 * The HubSpot connector: every HubSpot-specific fact Sway relies on lives in this folder.
 */
import type { Connector } from '../connector.ts';
import { accountInfo, authorizeUrl, exchangeCode, refresh } from './oauth.ts';
import { HUBSPOT_BATCH_MAX } from './api.ts';
import { toHubSpotProperties } from './mappers.ts';
import { hubspotChangeRules } from './change-rules.ts';
import { dealContacts, dealPipelines, listDeals } from './deals.ts';
import { listContacts, readContacts, writeBatch } from './records.ts';
import { HUBSPOT_SEARCH_RESULT_CAP, searchContacts, searchDeals } from './search.ts';
import { provision } from './schema.ts';
import { hubspotSettingsDefaults } from './settings-defaults.ts';
import { hubspotStages } from './stages.ts';
import { setRequestTimeout } from './client.ts';
import { HUBSPOT_LIMITS } from './limits.ts';
import { receiveWebhook } from './webhooks.ts';

export const hubspot = {
  id: 'hubspot',
  label: 'HubSpot',
  accountField: 'portalId',
  limits: HUBSPOT_LIMITS,
  setRequestTimeout,
  webhooks: { receive: receiveWebhook },
  oauth: { authorizeUrl, exchangeCode, refresh, accountInfo },
  provision,
  // Reads: contacts and deals (with their pipelines). Writes: the batch update endpoints, 100 a call.
  objects: {
    contact: { read: true, writeBatchMax: HUBSPOT_BATCH_MAX },
    deal: { read: true, writeBatchMax: HUBSPOT_BATCH_MAX },
  },
  vendorProperties: toHubSpotProperties,
  writeBatch,
  readContacts,
  searchContacts,
  searchDeals,
  listDeals,
  dealContacts,
  dealPipelines,
  stages: hubspotStages,
  changes: hubspotChangeRules,
  settingsDefaults: hubspotSettingsDefaults,
  searchResultCap: HUBSPOT_SEARCH_RESULT_CAP,
  listContacts,
} satisfies Connector;
