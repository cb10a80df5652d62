/**
 * Deals (purchase history and conversions), their pipelines (closed-won stage ids are per
 * pipeline) and contact associations, plus the portal's lifecycle stage options.
 */
import type { StageOption } from '../../src/domain/stages.ts';
import type { CrmDeal, CrmPipeline, CrmSession } from '../connector.ts';
import { HUBSPOT_BATCH_MAX, HUBSPOT_PAGE_MAX } from './api.ts';
import { callOptions, sessionClient } from './client.ts';
import { classifyHubSpotError } from './errors.ts';
import { DEAL_READ_PROPERTIES, fromHubSpotDeal, isWonStage } from './mappers.ts';

export async function* listDeals(session: CrmSession): AsyncIterable<CrmDeal[]> {
  const client = sessionClient(session);
  let after: string | undefined;
  do {
    let page;
    try {
      page = await client.crm.deals.basicApi.getPage(HUBSPOT_PAGE_MAX, after, [...DEAL_READ_PROPERTIES], undefined, ['contacts'], undefined, callOptions(session));
    } catch (err) {
      throw classifyHubSpotError(err, 'HubSpot deal list');
    }
    yield page.results.map((r) =>
      fromHubSpotDeal({ id: r.id, properties: r.properties }, (r.associations?.contacts?.results ?? []).map((a) => String(a.id))),
    );
    after = page.paging?.next?.after;
  } while (after);
}

export async function dealContacts(session: CrmSession, dealIds: readonly string[]): Promise<Map<string, string[]>> {
  const client = sessionClient(session);
  const out = new Map<string, string[]>(dealIds.map((id) => [id, []]));
  for (let i = 0; i < dealIds.length; i += HUBSPOT_BATCH_MAX) {
    const inputs = dealIds.slice(i, i + HUBSPOT_BATCH_MAX).map((id) => ({ id }));
    try {
      const res = await client.crm.associations.v4.batchApi.getPage('deals', 'contacts', { inputs }, callOptions(session));
      for (const r of res.results) out.set(String(r._from.id), r.to.map((t) => String(t.toObjectId)));
    } catch (err) {
      throw classifyHubSpotError(err, 'HubSpot deal associations');
    }
  }
  return out;
}

export async function dealPipelines(session: CrmSession): Promise<CrmPipeline[]> {
  try {
    const res = await sessionClient(session).crm.pipelines.pipelinesApi.getAll('deals', callOptions(session));
    return res.results.map((p) => ({ id: p.id, wonStageIds: p.stages.filter((s) => isWonStage(s.metadata)).map((s) => s.id) }));
  } catch (err) {
    throw classifyHubSpotError(err, 'HubSpot deal pipelines');
  }
}

/** The portal's own `lifecyclestage` options (custom stages included); see ./stages.ts. */
export async function contactStageOptions(session: CrmSession): Promise<StageOption[]> {
  try {
    const p = await sessionClient(session).crm.properties.coreApi.getByName('contacts', 'lifecyclestage', undefined, undefined, callOptions(session));
    return (p.options ?? []).filter((o) => !o.hidden).map((o) => ({ value: o.value, label: o.label, displayOrder: o.displayOrder ?? 0 }));
  } catch (err) {
    throw classifyHubSpotError(err, 'HubSpot lifecycle stage options');
  }
}
