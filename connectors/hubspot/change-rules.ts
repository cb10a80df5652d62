/**
 * What HubSpot's contact changes mean for Sway (the connector's `changes` member): which
 * property changes call for rescoring, how privacy deletions arrive, and HubSpot's merge rule.
 */
import type { ChangeRules, MergedValuesInput } from '../connector.ts';
import { LIFECYCLE_STAGE_PROPERTY } from './stages.ts';

/**
 * Pure: what the record that survives a merge holds in Sway's properties, as far as Sway can know.
 *
 * HubSpot's merge rule (changelog "Updated merge functionality for contacts and companies"):
 * the merged record takes the primary's current values; the other records only fill properties
 * the primary has no value for. So, per field:
 * - a value Sway wrote to the survivor after the merge (`survivor`) is what it holds;
 * - else the primary's non-empty value;
 * - else the one non-empty value the other records agree on;
 * - else "" if that is all anyone had;
 * - and when the other records disagree the field is unknown and left out, so the next push
 *   re-sends it.
 */
export function mergedPushedValues(input: MergedValuesInput): Record<string, string> {
  const { survivor = {}, primary = {}, others } = input;
  const out: Record<string, string> = {};
  const keys = new Set([...Object.keys(primary), ...others.flatMap((o) => Object.keys(o))]);
  for (const k of keys) {
    const p = primary[k];
    if (p !== undefined && p !== '') {
      out[k] = p;
      continue;
    }
    const filled = new Set(others.map((o) => o[k]).filter((v): v is string => v !== undefined && v !== ''));
    if (filled.size === 1) out[k] = [...filled][0]!;
    else if (filled.size === 0) out[k] = '';
  }
  return { ...out, ...survivor };
}

export const hubspotChangeRules = {
  // The email links a contact to a person; the lifecycle stage is what the stage fields push.
  rescoreProperties: ['email', LIFECYCLE_STAGE_PROPERTY],
  // contact.privacyDeletion comes with a contact.deletion of the same record, in either order.
  privacyDeletionAlsoDeletes: true,
  mergedValues: mergedPushedValues,
} satisfies ChangeRules;
