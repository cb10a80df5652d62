/**
 * What Sway writes back to the CRM about campaigns (catalogue fields in src/domain/fields.ts),
 * from members, conversions and won deals already read from the store. Pure.
 *
 * - Contacts: the campaign (name and id), the arm and whether the contact converted. A contact
 *   in several started campaigns shows the latest started one (the others stay in Sway's report).
 * - Deals: the influencing campaign of a deal won inside a campaign's window by a contact in its
 *   treated arm. This is attribution to the treated arm, never lift (docs/campaigns.md).
 */
import type { ContactFieldValues } from '../domain/fields.ts';

export interface WritebackCampaign {
  id: string;
  name: string;
  startedAt: Date;
  members: readonly { contactId: string; arm: 'treatment' | 'control' }[];
  /** Member contacts that reached the campaign's outcome inside its window. */
  converted: ReadonlySet<string>;
  /** Won deals inside the window per member contact (either arm; only treated ones are attributed). */
  wonDeals: readonly { contactId: string; dealId: string }[];
}

export interface Writeback {
  contacts: Map<string, ContactFieldValues>;
  deals: Map<string, ContactFieldValues>;
}

/** How a campaign is named in a CRM text field: its name and its id, so two campaigns of one name stay apart. */
export function campaignLabel(c: { id: string; name: string }): string {
  return `${c.name} (${c.id})`;
}

/** The values for a contact in no campaign: clears what an earlier write left (null clears). */
export const NO_CAMPAIGN: ContactFieldValues = { campaign: null, campaignArm: null, campaignConverted: null };

/** Contact and deal values from every started campaign of one installation. */
export function campaignWriteback(campaigns: readonly WritebackCampaign[]): Writeback {
  const contacts = new Map<string, ContactFieldValues>();
  const deals = new Map<string, ContactFieldValues>();
  // Oldest first, so the latest started campaign wins for a contact or deal in several.
  const ordered = [...campaigns].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : 1));
  for (const c of ordered) {
    const label = campaignLabel(c);
    const treated = new Set<string>();
    for (const m of c.members) {
      contacts.set(m.contactId, { campaign: label, campaignArm: m.arm, campaignConverted: c.converted.has(m.contactId) });
      if (m.arm === 'treatment') treated.add(m.contactId);
    }
    for (const d of c.wonDeals) if (treated.has(d.contactId)) deals.set(d.dealId, { influencingCampaign: label });
  }
  return { contacts, deals };
}
