/**
 * Per-installation settings kept in installations.settings (JSONB), parsed with defaults so
 * a missing or malformed key never breaks a job.
 */
import { z } from 'zod';
import { CANONICAL_STAGES } from '../domain/stages.ts';

const Stage = z.enum(CANONICAL_STAGES);

export const SettingsSchema = z.object({
  /** Admin overrides: CRM stage value → canonical stage. */
  stageOverrides: z.record(z.string(), Stage).catch({}).default({}),
  /** Derived at each pull from the portal's own stage options (buildLifecycleStageMap). */
  stageMap: z.record(z.string(), Stage).catch({}).default({}),
});

export type Settings = z.infer<typeof SettingsSchema>;

export function parseSettings(raw: unknown): Settings {
  const r = SettingsSchema.safeParse(raw ?? {});
  return r.success ? r.data : SettingsSchema.parse({});
}
