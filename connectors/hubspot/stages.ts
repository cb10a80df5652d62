/**
 * HubSpot's contact lifecycle stages (`lifecyclestage`) and what they mean as canonical stages.
 * The mapping itself is neutral (src/domain/stages.ts); this file holds the HubSpot facts.
 */
import { mapStage, withDefaultStages, type CanonicalStage, type StageMap } from '../../src/domain/stages.ts';
import type { Connector } from '../connector.ts';
import { contactStageOptions } from './deals.ts';

/** The contact property that holds the lifecycle stage. */
export const LIFECYCLE_STAGE_PROPERTY = 'lifecyclestage';

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
 * portal's stage map (built from its options at each pull) or the installation's overrides
 * say otherwise.
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

/** The connector's `stages` member: the defaults above and the portal's own options. */
export const hubspotStages = {
  defaults: HUBSPOT_LIFECYCLE_STAGE_DEFAULTS,
  options: contactStageOptions,
} satisfies Connector['stages'];

/**
 * A `lifecyclestage` value as a canonical stage: `overrides` (the portal's stage map or an
 * admin's overrides) first, then HubSpot's defaults.
 */
export function mapLifecycleStage(value: string | null | undefined, overrides: StageMap = {}): CanonicalStage {
  return mapStage(value, withDefaultStages(overrides, HUBSPOT_LIFECYCLE_STAGE_DEFAULTS));
}
