/**
 * Per-installation settings kept in installations.settings (JSONB), parsed with defaults so
 * a missing or malformed key never breaks a job.
 */
import { z } from 'zod';
import { NETWORKS } from '../domain/identity.ts';
import { CANONICAL_STAGES } from '../domain/stages.ts';
import { COMPONENTS, resolveStageWeights, StageWeightsOverrideSchema } from '../matching/weights.ts';

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

/**
 * What an admin may change through `PATCH /api/v1/settings` and `sway settings set`: strict (an
 * unknown key is an error, not silently dropped), no defaults. A value of null removes an
 * override (a stage weight, a stage override, a handle field) so the default applies again.
 * Derived keys (stageMap, handleFieldsPulled) are read-only.
 */
const AttributeField = z.string().trim().min(1).max(200);
export const SettingsPatchSchema = z.strictObject({
  matching: z
    .strictObject({
      topK: z.number().int().min(1).max(10).optional(),
      halfLifeDays: z.number().min(1).max(3650).optional(),
      stageWeights: z.partialRecord(Stage, z.partialRecord(z.enum(COMPONENTS), z.number().min(0).max(100).nullable()).nullable()).optional(),
      attributeFields: z.strictObject({ industry: AttributeField.optional(), region: AttributeField.optional(), companySize: AttributeField.optional() }).optional(),
    })
    .optional(),
  stageOverrides: z.record(z.string().trim().min(1).max(200), Stage.nullable()).optional(),
  handleFields: z.partialRecord(z.enum(NETWORKS), z.string().trim().min(1).max(200).nullable()).optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** Record `base` with `patch` applied: a null value removes the key. */
function mergeRecord<T>(base: Record<string, T>, patch: Record<string, T | null | undefined> | undefined): Record<string, T> {
  const out = { ...base };
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The settings after an admin's patch (pure; the caller stores the keys it returns). */
export function applySettingsPatch(current: Settings, patch: SettingsPatch): Settings {
  const m = patch.matching ?? {};
  const stageWeights = { ...current.matching.stageWeights } as Record<string, Record<string, number>>;
  for (const [stage, row] of Object.entries(m.stageWeights ?? {})) {
    if (row === null) delete stageWeights[stage];
    else if (row) {
      const merged = mergeRecord(stageWeights[stage] ?? {}, row);
      if (Object.keys(merged).length > 0) stageWeights[stage] = merged;
      else delete stageWeights[stage];
    }
  }
  return SettingsSchema.parse({
    ...current,
    matching: {
      ...current.matching,
      ...(m.topK !== undefined ? { topK: m.topK } : {}),
      ...(m.halfLifeDays !== undefined ? { halfLifeDays: m.halfLifeDays } : {}),
      stageWeights,
      attributeFields: { ...current.matching.attributeFields, ...m.attributeFields },
    },
    stageOverrides: mergeRecord(current.stageOverrides, patch.stageOverrides),
    handleFields: mergeRecord(current.handleFields, patch.handleFields),
  });
}

/** The keys a patch writes back (top-level keys are replaced whole by updateSettings). */
export function storedSettingsKeys(s: Settings): Pick<Settings, 'matching' | 'stageOverrides' | 'handleFields'> {
  return { matching: s.matching, stageOverrides: s.stageOverrides, handleFields: s.handleFields };
}

/** Settings as GET /api/v1/settings and `sway settings get` show them: overrides, and the weights in force. */
export function presentSettings(s: Settings) {
  return {
    matching: { ...s.matching, effectiveStageWeights: resolveStageWeights(s.matching.stageWeights) },
    stageOverrides: s.stageOverrides,
    handleFields: s.handleFields,
    /** Read-only: derived at each pull from the portal's stages. */
    stageMap: s.stageMap,
  };
}

/** Each problem of a rejected patch with its path (an unknown key's path names the key). */
export function settingsPatchIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: [...i.path, k].join('.'), message: `Unknown setting "${k}"` })) : [{ path: i.path.join('.') || '(body)', message: i.message }],
  );
}
