/**
 * Identity normalisation: the canonical forms under which people are matched to CRM records
 * and to each other across batches.
 *
 * The rules are deliberately conservative. A false merge (two people treated as one) corrupts
 * scores, matches and outcome measurement for both, and cannot be undone from the data; a
 * missed merge only costs some signal. So only transformations that are true for every
 * provider are applied. Provider-specific rules are left out on purpose: e.g. Gmail ignores
 * dots and "+tags" in the local part, but other domains do not (and Google Workspace domains
 * look like any other), so stripping them would merge distinct people.
 */
import { z } from 'zod';

/** Social networks Sway accepts handles for; `twitter` is kept as an accepted alias of `x`. */
export const NETWORKS = [
  'x',
  'twitter',
  'linkedin',
  'instagram',
  'tiktok',
  'youtube',
  'reddit',
  'github',
  'facebook',
  'mastodon',
  'bluesky',
  'community',
  'other',
] as const;

export type Network = (typeof NETWORKS)[number];

/** The same email check the signals API applies, so both agree on what an email is. */
const EMAIL = z.email();

/**
 * Trims and lower-cases an email address. Lower-casing the local part is technically lossy
 * (RFC 5321 lets it be case-sensitive) but no mainstream provider treats it so, and CRMs
 * compare emails case-insensitively.
 *
 * @returns the normalised address, or null when the input is not an email address.
 */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  return EMAIL.safeParse(email).success ? email : null;
}

/** A network handle in canonical form. */
export interface NormalizedHandle {
  network: Network;
  handle: string;
}

/**
 * Canonical form of a handle: trimmed, one leading '@' removed (so Mastodon's "@user@host"
 * becomes "user@host"), lower-cased (handles on the named networks are case-insensitive;
 * `community` and `other` follow the same rule so one person is not two), and `twitter`
 * folded into `x` because they are the same accounts. The result may be empty (input "@");
 * callers must treat that as invalid.
 */
export function normalizeHandle(network: Network, handle: string): NormalizedHandle {
  return {
    network: network === 'twitter' ? 'x' : network,
    handle: handle.trim().replace(/^@/, '').trim().toLowerCase(),
  };
}
