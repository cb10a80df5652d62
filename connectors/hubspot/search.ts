/**
 * Incremental reads through HubSpot's search API (CRM-NOTES "Search"): records whose
 * last-modified time falls in a window, oldest first, up to 200 a page. Search has its own
 * limit (5/s per account — the session hooks draw on the 'search' budget) and never returns
 * more than 10,000 results for one query, so callers split windows (src/sync/pull-window.ts).
 */
import type { ContactReadOptions, CrmContact, CrmDeal, CrmSession, SearchPage } from '../connector.ts';
import { callOptions, sessionClient } from './client.ts';
import { classifyHubSpotError } from './errors.ts';
import { contactReadProperties, DEAL_READ_PROPERTIES, fromHubSpotContact, fromHubSpotDeal } from './mappers.ts';

export const HUBSPOT_SEARCH_PAGE_MAX = 200;
/** HubSpot answers at most 10,000 results per search query. */
export const HUBSPOT_SEARCH_RESULT_CAP = 10_000;

function windowQuery(modifiedProperty: string, from: Date, to: Date, properties: readonly string[], after?: string) {
  return {
    filterGroups: [
      // Datetime filters take epoch milliseconds; BETWEEN includes both ends.
      { filters: [{ propertyName: modifiedProperty, operator: 'BETWEEN', value: String(from.getTime()), highValue: String(to.getTime()) }] },
    ],
    // The SDK types sorts as strings; HubSpot documents objects, which the SDK passes through.
    sorts: [{ propertyName: modifiedProperty, direction: 'ASCENDING' }],
    properties: [...properties],
    limit: HUBSPOT_SEARCH_PAGE_MAX,
    ...(after ? { after } : {}),
  } as never;
}

export async function searchContacts(
  session: CrmSession,
  q: { modifiedFrom: Date; modifiedTo: Date; after?: string },
  options: ContactReadOptions = {},
): Promise<SearchPage<CrmContact>> {
  try {
    const res = await sessionClient(session).crm.contacts.searchApi.doSearch(
      windowQuery('lastmodifieddate', q.modifiedFrom, q.modifiedTo, contactReadProperties(options.extraProperties), q.after),
      callOptions(session),
    );
    const results = res.results.map((r) => fromHubSpotContact({ id: r.id, properties: r.properties }, options.extraProperties));
    return { total: res.total, results, nextAfter: res.paging?.next?.after };
  } catch (err) {
    throw classifyHubSpotError(err, 'HubSpot contact search');
  }
}

export async function searchDeals(session: CrmSession, q: { modifiedFrom: Date; modifiedTo: Date; after?: string }): Promise<SearchPage<CrmDeal>> {
  try {
    const res = await sessionClient(session).crm.deals.searchApi.doSearch(
      windowQuery('hs_lastmodifieddate', q.modifiedFrom, q.modifiedTo, DEAL_READ_PROPERTIES, q.after),
      callOptions(session),
    );
    return { total: res.total, results: res.results.map((r) => fromHubSpotDeal({ id: r.id, properties: r.properties })), nextAfter: res.paging?.next?.after };
  } catch (err) {
    throw classifyHubSpotError(err, 'HubSpot deal search');
  }
}
