/**
 * Campaign write-back, read from the store: every started campaign's members, conversions
 * (as measurement counts them: src/jobs/measure.ts campaignConversions) and treated members'
 * won deals, turned into catalogue values by src/outcomes/campaign-writeback.ts. The push job
 * writes them; the measure job asks whether they differ from what was last pushed, to queue a
 * push only then.
 */
import type { Connector } from '../../connectors/connector.ts';
import { campaignWriteback, NO_CAMPAIGN, type WritebackCampaign, type Writeback } from '../outcomes/campaign-writeback.ts';
import { wonDealsInWindow } from '../store/campaign-outcomes.ts';
import { campaignMembersOf, listCampaigns } from '../store/campaigns.ts';
import { linkedScoredContacts } from '../store/crm-records.ts';
import type { Db } from '../store/db.ts';
import { pushedFor, pushedIds } from '../store/pushed-values.ts';
import { planDelta, type DesiredRecord } from '../sync/delta.ts';
import { campaignConversions } from './measure.ts';

/** The installation's campaign values for contacts and deals as of `now`. */
export async function loadCampaignWriteback(db: Db, installationId: string, now = new Date()): Promise<Writeback> {
  const started: WritebackCampaign[] = [];
  for (const c of await listCampaigns(db, installationId)) {
    if (!c.startedAt) continue;
    const { window, conversions } = await campaignConversions(db, installationId, c, now);
    const members = await campaignMembersOf(db, c.id);
    const wonDeals = await wonDealsInWindow(db, installationId, c.id, window);
    started.push({ id: c.id, name: c.name, startedAt: c.startedAt, members, converted: new Set(conversions.keys()), wonDeals });
  }
  return campaignWriteback(started);
}

/**
 * The deal records to push: every attributed deal, and every deal Sway wrote before (so an
 * attribution that no longer holds is cleared; '' to a never-written deal is skipped by the delta).
 */
export async function desiredDeals(db: Db, connector: Connector, installationId: string, wb: Writeback): Promise<DesiredRecord[]> {
  const ids = new Set([...wb.deals.keys(), ...(await pushedIds(db, installationId, 'deal'))]);
  return [...ids].sort().map((id) => ({ id, properties: connector.vendorProperties('deal', wb.deals.get(id) ?? { influencingCampaign: null }) }));
}

/**
 * Whether a push would write any campaign value: a member's converted flag or arm, or a deal's
 * attribution. Only contacts the push writes count (linked, scored: src/jobs/push.ts); members
 * Sway has no person for get no fields, so they must not keep queueing pushes.
 */
export async function campaignWritebackPending(db: Db, connector: Connector, installationId: string, now = new Date()): Promise<boolean> {
  const wb = await loadCampaignWriteback(db, installationId, now);
  const pushedContacts = new Set((await linkedScoredContacts(db, installationId)).map((c) => c.crmId));
  const contacts = [...wb.contacts].filter(([id]) => pushedContacts.has(id)).map(([id, v]) => ({ id, properties: connector.vendorProperties('contact', v) }));
  const deals = await desiredDeals(db, connector, installationId, wb);
  const [pc, pd] = await Promise.all([
    pushedFor(db, installationId, 'contact', contacts.map((c) => c.id)),
    pushedFor(db, installationId, 'deal', deals.map((d) => d.id)),
  ]);
  return planDelta(contacts, pc).changes.length > 0 || planDelta(deals, pd).changes.length > 0;
}

export { NO_CAMPAIGN };
