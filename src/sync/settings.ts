/**
 * Per-installation settings kept in installations.settings (JSONB), parsed with defaults so
 * a missing or malformed key never breaks a job.
 */
import { z } from 'zod';
import { NETWORKS } from '../domain/identity.ts';
import { CANONICAL_STAGES } from '../domain/stages.ts';
import { StageWeightsOverrideSchema } from '../matching/weights.ts';

const Stage = z.enum(CANONICAL_STAGES);

/**
 * Network → the CRM property holding a person's handle on it, e.g.
 * `{ x: 'twitterhandle', linkedin: 'linkedin_profile' }` (HubSpot's default contact property
 * `twitterhandle` exists in every portal; others are the admin's own). Values may be bare
 * handles or profile URLs (src/domain/identity.ts handleFromCrmValue).
 */
export const HandleFieldsSchema = z.partialRecord(z.enum(NETWORKS), z.string().trim().min(1).max(200));

/**
 * Matching settings (src/matching): stage weight overrides, the half-life of an interaction's
 * weight, how many influencers each prospect gets, and the CRM properties holding the
 * situational attributes (HubSpot contact defaults: industry, country, numemployees).
 */
export const MatchingSettingsSchema = z.object({
  stageWeights: StageWeightsOverrideSchema.catch({}).default({}),
  halfLifeDays: z.number().min(1).max(3650).catch(90).default(90),
  topK: z.number().int().min(1).max(10).catch(3).default(3),
  attributeFields: z
    .object({
      industry: z.string().trim().min(1).max(200).default('industry'),
      region: z.string().trim().min(1).max(200).default('country'),
      companySize: z.string().trim().min(1).max(200).default('numemployees'),
    })
    .catch({ industry: 'industry', region: 'country', companySize: 'numemployees' })
    .default({ industry: 'industry', region: 'country', companySize: 'numemployees' }),
});
export type MatchingSettings = z.infer<typeof MatchingSettingsSchema>;

export const SettingsSchema = z.object({
  matching: MatchingSettingsSchema.catch(() => MatchingSettingsSchema.parse({})).default(() => MatchingSettingsSchema.parse({})),
  /** Admin overrides: CRM stage value → canonical stage. */
  stageOverrides: z.record(z.string(), Stage).catch({}).default({}),
  /** Derived at each pull from the portal's own stage options (buildLifecycleStageMap). */
  stageMap: z.record(z.string(), Stage).catch({}).default({}),
  /** CRM properties to read handles from, per network (admin setting). */
  handleFields: HandleFieldsSchema.catch({}).default({}),
  /**
   * Derived: the handleFields the last complete contact pull read with. When the admin changes
   * handleFields, the next pull re-reads every contact (an incremental pull would only see
   * the records modified since).
   */
  handleFieldsPulled: HandleFieldsSchema.catch({}).default({}),
});

export type Settings = z.infer<typeof SettingsSchema>;
export type HandleFields = z.infer<typeof HandleFieldsSchema>;

export function parseSettings(raw: unknown): Settings {
  const r = SettingsSchema.safeParse(raw ?? {});
  return r.success ? r.data : SettingsSchema.parse({});
}

/** Whether two handleFields settings read the same properties for the same networks. */
export function sameHandleFields(a: HandleFields, b: HandleFields): boolean {
  const canon = (h: HandleFields) => JSON.stringify(Object.entries(h).filter(([, v]) => !!v).sort(([x], [y]) => (x < y ? -1 : 1)));
  return canon(a) === canon(b);
}
