/**
 * Campaigns: drafts, the pre-registered design, and the assignment written once at start.
 *
 * - A draft's design may change; a started campaign's never does (CampaignFrozenError): the
 *   outcome, window, readout and α were fixed before any data was seen.
 * - Starting picks the segment's contacts from the store, randomises each unit with the
 *   deterministic hash of (campaign, unit) (src/outcomes/assignment.ts) and stores every
 *   member's arm, stage and matched campaign influencer, in one transaction. Starting again is
 *   a no-op: the arms are the ones stored.
 */
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { FROZEN_FIELDS, type CampaignCreate, type CampaignPatch, type Segment } from '../outcomes/campaign-design.ts';
import { assignArm, randomisationUnit } from '../outcomes/assignment.ts';
import type { CanonicalStage } from '../domain/stages.ts';
import type { Db } from './db.ts';
import { campaignInfluencers, campaignMembers, campaigns, crmRecords, matches, people, personLinks } from './schema.ts';

export type CampaignRow = typeof campaigns.$inferSelect;
export type CampaignStatus = 'draft' | 'running' | 'read-out';

/** A running or read-out campaign was asked to change its design. */
export class CampaignFrozenError extends Error {
  override name = 'CampaignFrozenError';
  constructor(readonly fields: string[]) {
    super(`the campaign has started: its design (${fields.join(', ')}) is pre-registered and cannot change; changing them makes a new campaign`);
  }
}

export interface CampaignView {
  id: string;
  name: string;
  status: CampaignStatus;
  design: {
    segment: Segment;
    holdoutShare: number;
    unit: string;
    outcome: string;
    attributionWindowDays: number;
    cost: number | null;
    readoutAt: string;
    alpha: number;
  };
  /** Person ids as the signals API names them. */
  influencers: string[];
  createdAt: string;
  startedAt: string | null;
  windowEndsAt: string | null;
  readOutAt: string | null;
  measuredAt: string | null;
  /** Members per arm (contacts), once started. */
  members: { treatment: number; control: number } | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

async function influencerExternalIds(db: Db, campaignId: string): Promise<string[]> {
  const rows = await db
    .select({ externalId: people.externalId })
    .from(campaignInfluencers)
    .innerJoin(people, eq(people.id, campaignInfluencers.personId))
    .where(eq(campaignInfluencers.campaignId, campaignId))
    .orderBy(people.externalId);
  return rows.map((r) => r.externalId);
}

export async function campaignInfluencerIds(db: Db, campaignId: string): Promise<number[]> {
  const rows = await db.select({ id: campaignInfluencers.personId }).from(campaignInfluencers).where(eq(campaignInfluencers.campaignId, campaignId));
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

async function memberCounts(db: Db, campaignId: string): Promise<{ treatment: number; control: number }> {
  const rows = await db
    .select({ arm: campaignMembers.arm, n: sql<number>`count(*)::int` })
    .from(campaignMembers)
    .where(eq(campaignMembers.campaignId, campaignId))
    .groupBy(campaignMembers.arm);
  const of = (arm: string) => Number(rows.find((r) => r.arm === arm)?.n ?? 0);
  return { treatment: of('treatment'), control: of('control') };
}

export async function presentCampaign(db: Db, row: CampaignRow): Promise<CampaignView> {
  return {
    id: row.id,
    name: row.name,
    status: row.status as CampaignStatus,
    design: {
      segment: row.segment as Segment,
      holdoutShare: row.holdoutShare,
      unit: row.unit,
      outcome: row.outcome,
      attributionWindowDays: row.windowDays,
      cost: row.cost,
      readoutAt: row.readoutAt.toISOString(),
      alpha: row.alpha,
    },
    influencers: await influencerExternalIds(db, row.id),
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    windowEndsAt: iso(row.windowEndsAt),
    readOutAt: iso(row.readOutAt),
    measuredAt: iso(row.measuredAt),
    members: row.startedAt ? await memberCounts(db, row.id) : null,
  };
}

/** Creates a draft. `influencerIds`: the influencers' people.id, resolved by the caller. */
export async function createCampaign(db: Db, installationId: string, input: CampaignCreate, influencerIds: number[]): Promise<CampaignRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(campaigns)
      .values({
        id: randomUUID(),
        installationId,
        name: input.name,
        segment: input.segment,
        holdoutShare: input.holdoutShare,
        unit: input.unit,
        outcome: input.outcome,
        windowDays: input.attributionWindowDays,
        cost: input.cost ?? null,
        readoutAt: new Date(input.readoutAt),
        alpha: input.alpha,
      })
      .returning();
    await tx.insert(campaignInfluencers).values([...new Set(influencerIds)].map((personId) => ({ campaignId: row!.id, personId })));
    return row!;
  });
}

export async function getCampaign(db: Db, installationId: string, id: string): Promise<CampaignRow | null> {
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.installationId, installationId), eq(campaigns.id, id)));
  return row ?? null;
}

export async function listCampaigns(db: Db, installationId: string): Promise<CampaignRow[]> {
  return db.select().from(campaigns).where(eq(campaigns.installationId, installationId)).orderBy(desc(campaigns.createdAt), campaigns.id);
}

/** Changes a draft; a started campaign refuses any design change (CampaignFrozenError). */
export async function updateDraft(db: Db, installationId: string, id: string, patch: CampaignPatch, influencerIds?: number[]): Promise<CampaignRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(campaigns).where(and(eq(campaigns.installationId, installationId), eq(campaigns.id, id))).for('update');
    if (!row) return null;
    if (row.status !== 'draft') {
      const frozen = FROZEN_FIELDS.filter((k) => patch[k] !== undefined);
      if (frozen.length > 0) throw new CampaignFrozenError(frozen);
    }
    const set: Partial<typeof campaigns.$inferInsert> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.segment !== undefined) set.segment = patch.segment;
    if (patch.holdoutShare !== undefined) set.holdoutShare = patch.holdoutShare;
    if (patch.unit !== undefined) set.unit = patch.unit;
    if (patch.outcome !== undefined) set.outcome = patch.outcome;
    if (patch.attributionWindowDays !== undefined) set.windowDays = patch.attributionWindowDays;
    if (patch.cost !== undefined) set.cost = patch.cost;
    if (patch.readoutAt !== undefined) set.readoutAt = new Date(patch.readoutAt);
    if (patch.alpha !== undefined) set.alpha = patch.alpha;
    const [updated] = Object.keys(set).length > 0 ? await tx.update(campaigns).set(set).where(eq(campaigns.id, id)).returning() : [row];
    if (influencerIds) {
      await tx.delete(campaignInfluencers).where(eq(campaignInfluencers.campaignId, id));
      await tx.insert(campaignInfluencers).values([...new Set(influencerIds)].map((personId) => ({ campaignId: id, personId })));
    }
    return updated!;
  });
}

export interface Candidate {
  contactId: string;
  personId: number | null;
  /** The contact's account/company id when the store knows it. */
  accountId: string | null;
  stage: CanonicalStage;
  topics: string[];
  industry: string | null;
  region: string | null;
  companySize: string | null;
}

/** Whether a contact is in the segment. Pure. */
export function inSegment(c: Candidate, s: Segment): boolean {
  const any = (v: string | null, allowed?: string[]) => !allowed || (v !== null && allowed.some((a) => a.toLowerCase() === v.toLowerCase()));
  if (s.stages && !s.stages.includes(c.stage)) return false;
  if (s.topics && !c.topics.some((t) => s.topics!.some((w) => w.toLowerCase() === t.toLowerCase()))) return false;
  return any(c.industry, s.industry) && any(c.region, s.region) && any(c.companySize, s.companySize);
}

export type StartResult = { started: true; row: CampaignRow; members: number } | { started: false; row: CampaignRow };

/**
 * Starts a draft: members and arms are written and the design freezes, in one transaction.
 * `stageMap`: the installation's CRM stage value → canonical stage. A campaign already started
 * is returned as it is.
 */
export async function startCampaign(db: Db, installationId: string, id: string, stageMap: Readonly<Record<string, CanonicalStage>>, now = new Date()): Promise<StartResult | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(campaigns).where(and(eq(campaigns.installationId, installationId), eq(campaigns.id, id))).for('update');
    if (!row) return null;
    if (row.status !== 'draft') return { started: false, row };
    const influencers = await campaignInfluencerIds(tx as unknown as Db, id);
    // A Set: this runs for every contact of the installation while the campaign row is locked.
    const isInfluencer = new Set(influencers);
    const candidates = (await loadCandidates(tx as unknown as Db, installationId, stageMap)).filter((c) => !(c.personId !== null && isInfluencer.has(c.personId)));
    const chosen = candidates.filter((c) => inSegment(c, row.segment as Segment));
    const matched = await bestCampaignInfluencer(tx as unknown as Db, installationId, chosen, influencers);
    const members = chosen.map((c) => {
      // 'contact' designs ignore the account even when it is known.
      const unitKey = randomisationUnit({ contactId: c.contactId, accountId: row.unit === 'contact' ? null : c.accountId });
      return {
        campaignId: id,
        contactId: c.contactId,
        personId: c.personId,
        unitKey,
        arm: assignArm(id, unitKey, row.holdoutShare),
        stage: c.stage,
        influencerId: matched.get(c.contactId) ?? (influencers.length === 1 ? influencers[0]! : null),
      };
    });
    for (let i = 0; i < members.length; i += 1000) await tx.insert(campaignMembers).values(members.slice(i, i + 1000));
    const windowEndsAt = new Date(now.getTime() + row.windowDays * 86_400_000);
    const [started] = await tx.update(campaigns).set({ status: 'running', startedAt: now, windowEndsAt }).where(eq(campaigns.id, id)).returning();
    return { started: true, row: started!, members: members.length };
  });
}

/**
 * The installation's contacts with what segments filter on. The store holds no contact →
 * company association yet (the connector reads none), so `accountId` is null and every unit
 * is the contact until it does; randomisationUnit already prefers the account when given.
 */
async function loadCandidates(db: Db, installationId: string, stageMap: Readonly<Record<string, CanonicalStage>>): Promise<Candidate[]> {
  const rows = await db
    .select({
      contactId: crmRecords.crmId,
      lifecycleStage: crmRecords.lifecycleStage,
      industry: crmRecords.industry,
      region: crmRecords.region,
      companySize: crmRecords.companySize,
      personId: personLinks.personId,
      topics: people.topics,
    })
    .from(crmRecords)
    .leftJoin(personLinks, and(eq(personLinks.installationId, crmRecords.installationId), eq(personLinks.objectType, crmRecords.objectType), eq(personLinks.crmId, crmRecords.crmId)))
    .leftJoin(people, eq(people.id, personLinks.personId))
    .where(and(eq(crmRecords.installationId, installationId), eq(crmRecords.objectType, 'contact')))
    .orderBy(crmRecords.crmId);
  return rows.map((r) => ({
    contactId: r.contactId,
    personId: r.personId === null ? null : Number(r.personId),
    accountId: null,
    stage: (r.lifecycleStage ? stageMap[r.lifecycleStage] : undefined) ?? 'unknown',
    topics: r.topics ?? [],
    industry: r.industry,
    region: r.region,
    companySize: r.companySize,
  }));
}

/** Each chosen contact's best-ranked stored match among the campaign's influencers, at start. */
async function bestCampaignInfluencer(db: Db, installationId: string, chosen: Candidate[], influencers: number[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const byPerson = new Map(chosen.filter((c) => c.personId !== null).map((c) => [c.personId!, c.contactId]));
  if (byPerson.size === 0 || influencers.length === 0) return out;
  const rows = await db
    .select({ personId: matches.personId, influencerId: matches.influencerId, rank: matches.rank })
    .from(matches)
    .where(and(eq(matches.installationId, installationId), inArray(matches.influencerId, influencers)))
    .orderBy(matches.personId, matches.rank);
  for (const r of rows) {
    const contact = byPerson.get(Number(r.personId));
    if (contact && !out.has(contact)) out.set(contact, Number(r.influencerId));
  }
  return out;
}

export interface MemberRow {
  contactId: string;
  personId: number | null;
  unitKey: string;
  arm: 'treatment' | 'control';
  stage: string;
  influencerId: number | null;
}

export async function campaignMembersOf(db: Db, campaignId: string): Promise<MemberRow[]> {
  const rows = await db.select().from(campaignMembers).where(eq(campaignMembers.campaignId, campaignId)).orderBy(campaignMembers.contactId);
  return rows.map((r) => ({
    contactId: r.contactId,
    personId: r.personId === null ? null : Number(r.personId),
    unitKey: r.unitKey,
    arm: r.arm as MemberRow['arm'],
    stage: r.stage,
    influencerId: r.influencerId === null ? null : Number(r.influencerId),
  }));
}

/** Stores a measured report; the first one at or after the readout reads the campaign out. */
export async function saveReport(db: Db, id: string, report: Record<string, unknown>, at: Date, afterReadout: boolean): Promise<void> {
  await db
    .update(campaigns)
    .set({
      lastReport: report,
      measuredAt: at,
      ...(afterReadout ? { status: 'read-out', readOutAt: sql`COALESCE(${campaigns.readOutAt}, ${at})` } : {}),
    })
    .where(eq(campaigns.id, id));
}
