/**
 * What happened to a campaign's members inside its window, read from the store:
 * - conversions: won deals (closed_won, close date in the window) associated with a member's
 *   contact, with their amounts; or, for the stage outcome, a member's move into a stage the
 *   installation maps to `purchase` (stage_transitions, recorded at pull time);
 * - exposure: a treated member who interacted with one of the campaign's influencers (either
 *   direction) inside the window — observational only, never the primary analysis.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './db.ts';

export interface Window {
  from: Date;
  to: Date;
}

const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;

/** Won deals in the window per member contact: (contact, deal, amount). A deal on two contacts appears for both. */
export async function wonDealsInWindow(db: Db, installationId: string, campaignId: string, w: Window): Promise<{ contactId: string; dealId: string; amount: number }[]> {
  const res = await db.execute(sql`
    SELECT m.contact_id, d.crm_id AS deal_id, COALESCE(d.amount, 0) AS amount
    FROM campaign_members m
    JOIN crm_deals d ON d.installation_id = ${installationId} AND d.closed_won
      AND d.close_date >= ${w.from.toISOString()}::timestamptz AND d.close_date <= ${w.to.toISOString()}::timestamptz
      AND m.contact_id = ANY(d.contact_ids)
    WHERE m.campaign_id = ${campaignId}
    ORDER BY m.contact_id, d.crm_id`);
  return rowsOf<{ contact_id: string; deal_id: string; amount: string | number }>(res).map((r) => ({ contactId: r.contact_id, dealId: r.deal_id, amount: Number(r.amount) }));
}

/** Member contacts that moved into one of `purchaseValues` (raw CRM stage values) inside the window. */
export async function reachedStageInWindow(db: Db, installationId: string, campaignId: string, purchaseValues: string[], w: Window): Promise<Set<string>> {
  if (purchaseValues.length === 0) return new Set();
  const res = await db.execute(sql`
    SELECT DISTINCT m.contact_id
    FROM campaign_members m
    JOIN stage_transitions t ON t.installation_id = ${installationId} AND t.object_type = 'contact' AND t.crm_id = m.contact_id
      AND t.at >= ${w.from.toISOString()}::timestamptz AND t.at <= ${w.to.toISOString()}::timestamptz
      AND t.to_stage IN (${sql.join(purchaseValues.map((v) => sql`${v}`), sql`, `)})
    WHERE m.campaign_id = ${campaignId}`);
  return new Set(rowsOf<{ contact_id: string }>(res).map((r) => r.contact_id));
}

/** Treated member contacts with an interaction to or from a campaign influencer inside the window. */
export async function exposedInWindow(db: Db, installationId: string, campaignId: string, w: Window): Promise<Set<string>> {
  const res = await db.execute(sql`
    SELECT DISTINCT m.contact_id
    FROM campaign_members m
    JOIN campaign_influencers ci ON ci.campaign_id = m.campaign_id
    JOIN interactions i ON i.installation_id = ${installationId}
      AND i.occurred_at >= ${w.from.toISOString()}::timestamptz AND i.occurred_at <= ${w.to.toISOString()}::timestamptz
      AND ((i.from_person_id = m.person_id AND i.to_person_id = ci.person_id) OR (i.to_person_id = m.person_id AND i.from_person_id = ci.person_id))
    WHERE m.campaign_id = ${campaignId} AND m.arm = 'treatment' AND m.person_id IS NOT NULL`);
  return new Set(rowsOf<{ contact_id: string }>(res).map((r) => r.contact_id));
}
