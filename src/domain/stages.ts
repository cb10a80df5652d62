/**
 * Canonical purchase stages, and the pure mapping from a CRM's own stage values onto them.
 *
 * Every score Sway computes is relative to a prospect's stage, so each CRM's stage values are
 * mapped onto this one small vocabulary. Which values a CRM has and what they mean by default
 * is the connector's knowledge (`Connector.stages` in connectors/connector.ts); what is here
 * works the same for every CRM. Each installation can override the mapping in settings,
 * because accounts define custom stages.
 */

/** The canonical stages, in funnel order; `unknown` is last and means "no usable signal". */
export const CANONICAL_STAGES = [
  'awareness',
  'consideration',
  'decision',
  'purchase',
  'advocacy',
  'unknown',
] as const;

export type CanonicalStage = (typeof CANONICAL_STAGES)[number];

/** A CRM stage value → canonical stage map (keys trimmed and lower-cased when built here). */
export type StageMap = Readonly<Record<string, CanonicalStage>>;

/** Human labels, used for picklist options in every CRM. */
export const STAGE_LABELS: Readonly<Record<CanonicalStage, string>> = {
  awareness: 'Awareness',
  consideration: 'Consideration',
  decision: 'Decision',
  purchase: 'Purchase',
  advocacy: 'Advocacy',
  unknown: 'Unknown',
};

/** Type guard for values read from settings or the database, which TypeScript cannot vouch for. */
export function isCanonicalStage(value: unknown): value is CanonicalStage {
  return typeof value === 'string' && (CANONICAL_STAGES as readonly string[]).includes(value);
}

const normalise = (value: string | null | undefined): string => (value ?? '').trim().toLowerCase();

/**
 * Maps a CRM stage value to a canonical stage.
 *
 * @param value the stage value as the CRM returns it (may be empty, null or a custom id).
 * @param stageMap keys are matched case-insensitively after trimming, like the value itself;
 *   the first matching entry wins. Entries whose value is not a canonical stage (settings are
 *   data, not code) are skipped rather than trusted.
 * @returns the canonical stage; `unknown` for empty or unmapped values.
 */
export function mapStage(value: string | null | undefined, stageMap: StageMap): CanonicalStage {
  const key = normalise(value);
  if (key === '') return 'unknown';
  // Object.entries, not stageMap[key]: a value such as "constructor" must not find Object.prototype members.
  for (const [mapKey, stage] of Object.entries(stageMap)) {
    if (normalise(mapKey) === key && isCanonicalStage(stage)) return stage;
  }
  return 'unknown';
}

/**
 * `stageMap` followed by the connector's `defaults` for every value it does not map, so that
 * mapStage on the result finds the installation's entry first and the CRM's default after it
 * (a value the installation never saw, e.g. before its first pull, still gets its default).
 */
export function withDefaultStages(stageMap: StageMap, defaults: StageMap): Record<string, CanonicalStage> {
  const out: Record<string, CanonicalStage> = {};
  for (const [k, v] of Object.entries(stageMap)) if (isCanonicalStage(v)) out[k] = v;
  const mapped = new Set(Object.keys(out).map(normalise));
  for (const [k, v] of Object.entries(defaults)) if (isCanonicalStage(v) && !mapped.has(normalise(k))) out[k] = v;
  return out;
}

/** One option of a CRM's stage picklist, as the connector reads it from the account. */
export interface StageOption {
  value: string;
  label: string;
  displayOrder: number;
}

/** Label words that name a canonical stage outright, checked in this order. */
const LABEL_HINTS: readonly [RegExp, CanonicalStage][] = [
  [/evangelist|advocate|promoter|champion|ambassador|referr/i, 'advocacy'],
  [/customer|client|closed.?won|purchas|bought|subscriber.?paid/i, 'purchase'],
  [/opportunit|proposal|negotiat|sql|sales.?qualified|decision|trial|demo/i, 'decision'],
  [/mql|marketing.?qualified|consider|evaluat|engaged|nurtur/i, 'consideration'],
  [/lead|subscriber|visitor|prospect|aware|new/i, 'awareness'],
];

/**
 * Builds the stage map of one account from its own stage options (pure). The CRM's built-in
 * values (`defaults`, from the connector) keep their documented mapping; a custom stage is
 * mapped by words in its label, else it takes the stage of the nearest built-in stage before
 * it in the account's order (a stage inserted after a decision stage is still a decision
 * stage), else `unknown`. Admin overrides win over all of it.
 */
export function buildStageMap(
  options: readonly StageOption[],
  defaults: StageMap,
  overrides: StageMap = {},
): Record<string, CanonicalStage> {
  const map: Record<string, CanonicalStage> = {};
  let previous: CanonicalStage = 'unknown';
  for (const o of [...options].sort((a, b) => a.displayOrder - b.displayOrder)) {
    const key = normalise(o.value);
    let stage: CanonicalStage;
    if (Object.hasOwn(defaults, key) && isCanonicalStage(defaults[key])) stage = defaults[key];
    else stage = LABEL_HINTS.find(([re]) => re.test(o.label))?.[1] ?? previous;
    map[key] = stage;
    if (stage !== 'unknown') previous = stage;
  }
  for (const [k, v] of Object.entries(overrides)) if (isCanonicalStage(v)) map[normalise(k)] = v;
  return map;
}
