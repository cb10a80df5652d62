/**
 * Campaign effects per (influencer, stage): written by each measure (replacing that campaign's
 * cells), read by match runs as the learned effectiveness signal (src/outcomes/learning.ts).
 */
import { eq } from 'drizzle-orm';
import type { EffectCell } from '../outcomes/learning.ts';
import type { Db } from './db.ts';
import { campaignEffects } from './schema.ts';

export async function replaceCampaignEffects(db: Db, installationId: string, campaignId: string, cells: EffectCell[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(campaignEffects).where(eq(campaignEffects.campaignId, campaignId));
    for (let i = 0; i < cells.length; i += 1000) {
      await tx.insert(campaignEffects).values(cells.slice(i, i + 1000).map((c) => ({ campaignId, installationId, ...c })));
    }
  });
}

export async function installationEffects(db: Db, installationId: string): Promise<EffectCell[]> {
  const rows = await db.select().from(campaignEffects).where(eq(campaignEffects.installationId, installationId));
  return rows.map((r) => ({
    influencerId: Number(r.influencerId),
    stage: r.stage,
    treatmentUnits: r.treatmentUnits,
    treatmentConversions: r.treatmentConversions,
    controlUnits: r.controlUnits,
    controlConversions: r.controlConversions,
  }));
}
