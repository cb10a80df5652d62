/**
 * Canonical purchase stages and the default mapping from CRM values onto them.
 *
 * Every score Sway computes is relative to a prospect's stage, so each CRM's own stage values
 * (HubSpot `lifecyclestage`, Salesforce Lead Status / Opportunity StageName) are mapped onto
 * this one small vocabulary. The defaults below are what a fresh install uses; each
 * installation can override them in settings, because portals and orgs define custom stages.
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

/** Human labels, used for picklist options in both CRMs. */
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

/**
 * Default mapping of HubSpot's built-in `lifecyclestage` internal values.
 *
 * - subscriber, lead → awareness: they know the brand but have shown no buying intent.
 * - marketingqualifiedlead → consideration: engaged enough for marketing to qualify them.
 * - salesqualifiedlead, opportunity → decision: sales is actively working a deal.
 * - customer → purchase; evangelist → advocacy.
 * - other → unknown: HubSpot's catch-all says nothing about where the buyer is.
 *
 * Custom stages (HubSpot gives them numeric internal values) map to `unknown` unless the
 * installation's overrides say otherwise.
 */
export const HUBSPOT_LIFECYCLE_STAGE_DEFAULTS: Readonly<Record<string, CanonicalStage>> = {
  subscriber: 'awareness',
  lead: 'awareness',
  marketingqualifiedlead: 'consideration',
  salesqualifiedlead: 'decision',
  opportunity: 'decision',
  customer: 'purchase',
  evangelist: 'advocacy',
  other: 'unknown',
};

/**
 * Maps a HubSpot `lifecyclestage` internal value to a canonical stage.
 *
 * @param value the property value as HubSpot returns it (may be empty, null or a custom id).
 * @param overrides installation-specific mapping; wins over the defaults. Keys are matched
 *   case-insensitively after trimming, like the value itself. Entries whose value is not a
 *   canonical stage (settings are data, not code) are ignored rather than trusted.
 * @returns the canonical stage; `unknown` for empty or unmapped values.
 */
export function mapHubSpotLifecycleStage(
  value: string | null | undefined,
  overrides?: Readonly<Record<string, CanonicalStage>>,
): CanonicalStage {
  const key = (value ?? '').trim().toLowerCase();
  if (key === '') return 'unknown';
  if (overrides) {
    for (const [overrideKey, stage] of Object.entries(overrides)) {
      if (overrideKey.trim().toLowerCase() === key && isCanonicalStage(stage)) return stage;
    }
  }
  // Object.hasOwn: a value such as "constructor" must not find Object.prototype members.
  return Object.hasOwn(HUBSPOT_LIFECYCLE_STAGE_DEFAULTS, key)
    ? (HUBSPOT_LIFECYCLE_STAGE_DEFAULTS[key] ?? 'unknown')
    : 'unknown';
}

/** One option of the portal's `lifecyclestage` property, as HubSpot describes it. */
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
 * Builds the stage map of one portal from its own `lifecyclestage` options (pure). HubSpot's
 * default values keep their documented mapping; a custom stage is mapped by words in its
 * label, else it takes the stage of the nearest default stage before it in the portal's
 * order (a stage inserted after "opportunity" is still a decision stage), else `unknown`.
 * Admin overrides win over all of it.
 */
export function buildLifecycleStageMap(
  options: readonly StageOption[],
  overrides: Readonly<Record<string, CanonicalStage>> = {},
): Record<string, CanonicalStage> {
  const map: Record<string, CanonicalStage> = {};
  let previous: CanonicalStage = 'unknown';
  for (const o of [...options].sort((a, b) => a.displayOrder - b.displayOrder)) {
    const key = o.value.trim().toLowerCase();
    let stage: CanonicalStage;
    if (Object.hasOwn(HUBSPOT_LIFECYCLE_STAGE_DEFAULTS, key)) stage = HUBSPOT_LIFECYCLE_STAGE_DEFAULTS[key]!;
    else stage = LABEL_HINTS.find(([re]) => re.test(o.label))?.[1] ?? previous;
    map[key] = stage;
    if (stage !== 'unknown') previous = stage;
  }
  for (const [k, v] of Object.entries(overrides)) if (isCanonicalStage(v)) map[k.trim().toLowerCase()] = v;
  return map;
}
