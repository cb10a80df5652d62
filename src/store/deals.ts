/** Deals as pulled: stage, amount, close date, won or not, associated contacts. */
import { sql } from 'drizzle-orm';
import type { CrmDeal } from '../../connectors/connector.ts';
import type { Db } from './db.ts';
import { crmDeals } from './schema.ts';

/** `won(deal)` decides closed-won with the deal's own pipeline (stage ids are per pipeline). */
export async function upsertDeals(db: Db, installationId: string, deals: CrmDeal[], won: (d: CrmDeal) => boolean): Promise<void> {
  if (deals.length === 0) return;
  const now = new Date();
  await db
    .insert(crmDeals)
    .values(
      deals.map((d) => ({
        installationId,
        crmId: d.id,
        pipeline: d.pipeline,
        stage: d.stage,
        amount: d.amount,
        closeDate: d.closeDate,
        closedWon: won(d),
        contactIds: d.contactIds ?? [],
        crmModifiedAt: d.modifiedAt,
        updatedAt: now,
      })),
    )
    .onConflictDoUpdate({
      target: [crmDeals.installationId, crmDeals.crmId],
      set: {
        pipeline: sql`excluded.pipeline`,
        stage: sql`excluded.stage`,
        amount: sql`excluded.amount`,
        closeDate: sql`excluded.close_date`,
        closedWon: sql`excluded.closed_won`,
        contactIds: sql`excluded.contact_ids`,
        crmModifiedAt: sql`excluded.crm_modified_at`,
        updatedAt: now,
      },
    });
}
