/**
 * Per-installation settings kept in installations.settings (JSONB), parsed with defaults so
 * a missing or malformed key never breaks a job.
 */
import { z } from 'zod';
import { NETWORKS } from '../domain/identity.ts';
import { CANONICAL_STAGES } from '../domain/stages.ts';
import { COMPONENTS, resolveStageWeights, StageWeightsOverrideSchema } from '../matching/weights.ts';
import type { SettingsDefaults } from '../../connectors/connector.ts';

const Stage = z.enum(CANONICAL_STAGES);

/**
 * Network → the CRM property holding a person's handle on it, e.g. `{ x: 'xhandle',
 * linkedin: 'linkedin_profile' }` (the CRM's own property names; the connector declares
 * which, if any, are read by default). Values may be bare handles or profile URLs
 * (src/domain/identity.ts handleFromCrmValue).
 */
export const HandleFieldsSchema = z.partialRecord(z.enum(NETWORKS), z.string().trim().min(1).max(200));

/**
 * The settings schema for one CRM's defaults (`Connector.settingsDefaults`): matching settings
 * (src/matching: stage weight overrides, the half-life of an interaction's weight, how many
 * influencers each prospect gets, and the CRM properties holding the situational attributes),
 * stage overrides and maps, and handle fields.
 */
function buildSettingsSchema(defaults: SettingsDefaults) {
  const attributeDefaults = { ...defaults.attributeFields };
  const matching = z.object({
    stageWeights: StageWeightsOverrideSchema.catch({}).default({}),
    halfLifeDays: z.number().min(1).max(3650).catch(90).default(90),
    topK: z.number().int().min(1).max(10).catch(3).default(3),
    attributeFields: z
      .object({
        industry: z.string().trim().min(1).max(200).default(attributeDefaults.industry),
        region: z.string().trim().min(1).max(200).default(attributeDefaults.region),
        companySize: z.string().trim().min(1).max(200).default(attributeDefaults.companySize),
      })
      .catch(() => ({ ...attributeDefaults }))
      .default(() => ({ ...attributeDefaults })),
  });
  return z.object({
    matching: matching.catch(() => matching.parse({})).default(() => matching.parse({})),
    /** Admin overrides: CRM stage value → canonical stage. */
    stageOverrides: z.record(z.string(), Stage).catch({}).default({}),
    /** Derived at each pull from the account's own stage options (src/domain/stages.ts buildStageMap). */
    stageMap: z.record(z.string(), Stage).catch({}).default({}),
    /** CRM properties to read handles from, per network (admin setting). */
    handleFields: HandleFieldsSchema.catch(() => ({ ...defaults.handleFields })).default(() => ({ ...defaults.handleFields })),
    /**
     * Derived: the handleFields the last complete contact pull read with. When the admin changes
     * handleFields, the next pull re-reads every contact (an incremental pull would only see
     * the records modified since).
     */
    handleFieldsPulled: HandleFieldsSchema.catch({}).default({}),
  });
}

export type Settings = z.infer<ReturnType<typeof buildSettingsSchema>>;
export type MatchingSettings = Settings['matching'];
export type HandleFields = z.infer<typeof HandleFieldsSchema>;

const schemas = new WeakMap<SettingsDefaults, ReturnType<typeof buildSettingsSchema>>();
function settingsSchema(defaults: SettingsDefaults) {
  let schema = schemas.get(defaults);
  if (!schema) schemas.set(defaults, (schema = buildSettingsSchema(defaults)));
  return schema;
}

/**
 * An installation's settings with defaults filled in. `defaults` are its CRM's
 * (`connectors[crm].settingsDefaults`, or src/sync/installation-settings.ts settingsOf).
 */
export function parseSettings(raw: unknown, defaults: SettingsDefaults): Settings {
  const schema = settingsSchema(defaults);
  const r = schema.safeParse(raw ?? {});
  return r.success ? r.data : schema.parse({});
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
  // `current` is complete, so its own values serve as the defaults of this parse.
  return buildSettingsSchema({ attributeFields: current.matching.attributeFields, handleFields: current.handleFields }).parse({
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
