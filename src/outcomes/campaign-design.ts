/**
 * A campaign's design as clients send it (API and CLI) and as it is frozen at start: who is
 * targeted, how they are split, what counts as a conversion, for how long, and when it is read.
 * Pre-registered: a running campaign's design never changes (changing it makes a new campaign),
 * because choosing the outcome, window or readout after seeing data is how false wins are made.
 */
import { z } from 'zod';
import { CANONICAL_STAGES } from '../domain/stages.ts';

/** What converts a unit: a won deal associated with one of its contacts, or a contact moving into the purchase stage. */
export const OUTCOMES = ['deal-won', 'stage-purchase'] as const;
export type CampaignOutcome = (typeof OUTCOMES)[number];

/** The account/company when known (colleagues talk to each other), else the contact. */
export const UNITS = ['account-else-contact', 'contact'] as const;

const Text = z.string().trim().min(1).max(200);
const Values = z.array(Text).min(1).max(100);

export const SegmentSchema = z.strictObject({
  /** Canonical stages targeted (absent: all). */
  stages: z.array(z.enum(CANONICAL_STAGES)).min(1).optional(),
  /** The linked person talks about one of these topics (absent: any). */
  topics: Values.optional(),
  /** CRM attribute filters, as the pull reads them (settings.matching.attributeFields). */
  industry: Values.optional(),
  region: Values.optional(),
  companySize: Values.optional(),
});
export type Segment = z.infer<typeof SegmentSchema>;

const IsoDateTime = z.iso.datetime({ offset: true });

/** Everything the pre-registration fixes (no defaults here: a patch names only what it changes). */
const designFields = {
  segment: SegmentSchema,
  /** Share of units held out as control. */
  holdoutShare: z.number().gt(0).lt(1),
  unit: z.enum(UNITS),
  outcome: z.enum(OUTCOMES),
  /** Conversions count from the start for this many days. */
  attributionWindowDays: z.number().int().min(1).max(730),
  /** In the deals' currency, for ROI. */
  cost: z.number().nonnegative().finite(),
  /** The planned readout: the fixed-horizon test decides from then on. */
  readoutAt: IsoDateTime,
  alpha: z.number().gt(0).lt(0.5),
  name: Text,
  /** Influencers by the person ids the signals API uses. */
  influencers: z.array(z.string().min(1).max(256)).min(1).max(1000),
};

export const CampaignCreateSchema = z.strictObject({
  ...designFields,
  segment: designFields.segment.default({}),
  holdoutShare: designFields.holdoutShare.default(0.5),
  unit: designFields.unit.default('account-else-contact'),
  outcome: designFields.outcome.default('deal-won'),
  cost: designFields.cost.optional(),
  alpha: designFields.alpha.default(0.05),
});
export type CampaignCreate = z.infer<typeof CampaignCreateSchema>;

/** A draft's changes: any design field, the name or the influencers; `cost: null` removes the cost. */
export const CampaignPatchSchema = z.strictObject({ ...designFields, cost: designFields.cost.nullable() }).partial();
export type CampaignPatch = z.infer<typeof CampaignPatchSchema>;

/** Fields a running campaign refuses to change. */
export const FROZEN_FIELDS = ['segment', 'holdoutShare', 'unit', 'outcome', 'attributionWindowDays', 'cost', 'readoutAt', 'alpha', 'influencers'] as const;
