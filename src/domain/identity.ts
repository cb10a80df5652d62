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

/** Longest handle Sway keeps (the signals API accepts the same). */
const MAX_HANDLE_LENGTH = 100;

/**
 * Profile URL rules per network: which hosts, and where in the path the handle sits. A URL
 * that does not fit (a post, a company page, a search) gives no handle rather than a guess.
 */
interface UrlRule {
  hosts: readonly string[];
  /** The handle from the path segments (already URL-decoded), or null when it is not a profile URL. */
  handle(segments: string[], url: URL): string | null;
  /** What a handle on this network looks like (checked after lower-casing). */
  pattern: RegExp;
}

// A profile is the whole path (twitter.com/dana); twitter.com/dana/status/1 is a post, maybe quoted by someone else.
const first = (reserved: readonly string[]) => (s: string[]) => (s.length === 1 && !reserved.includes(s[0]!.toLowerCase()) ? s[0]! : null);
const after = (prefixes: readonly string[], maxSegments = 2) => (s: string[]) => (s.length >= 2 && s.length <= maxSegments && prefixes.includes(s[0]!.toLowerCase()) ? s[1]! : null);
const at = (s: string[]) => (s.length === 1 && s[0]!.startsWith('@') ? s[0]!.slice(1) : null);

const X_RULE: UrlRule = {
  hosts: ['twitter.com', 'x.com'],
  // Old links carry the handle in a hash-bang (twitter.com/#!/dana).
  handle: (s, url) => {
    const hashBang = /^#!\/([^/?#]+)/.exec(url.hash);
    if (s.length === 0 && hashBang) return decodeURIComponent(hashBang[1]!);
    return first(['home', 'i', 'intent', 'share', 'search', 'hashtag', 'explore', 'settings', 'messages', 'notifications', 'login', 'signup', 'compose', 'tos', 'privacy'])(s);
  },
  pattern: /^[a-z0-9_]{1,15}$/,
};

const URL_RULES: Partial<Record<Network, UrlRule>> = {
  x: X_RULE,
  twitter: X_RULE,
  // linkedin.com/in/<slug>[/<locale>]; company pages (/company/…) and old /pub/ URLs are not people's handles.
  linkedin: { hosts: ['linkedin.com'], handle: after(['in'], 3), pattern: /^[^\s/?#@]{2,100}$/u },
  instagram: { hosts: ['instagram.com'], handle: first(['p', 'reel', 'reels', 'explore', 'stories', 'accounts', 'direct']), pattern: /^[a-z0-9._]{1,30}$/ },
  github: { hosts: ['github.com'], handle: first(['orgs', 'settings', 'features', 'topics', 'marketplace', 'sponsors', 'login', 'about']), pattern: /^[a-z0-9-]{1,39}$/ },
  tiktok: { hosts: ['tiktok.com'], handle: at, pattern: /^[a-z0-9._]{1,24}$/ },
  youtube: { hosts: ['youtube.com'], handle: at, pattern: /^[a-z0-9._-]{3,30}$/ },
  reddit: { hosts: ['reddit.com'], handle: after(['u', 'user']), pattern: /^[a-z0-9_-]{3,20}$/ },
  facebook: { hosts: ['facebook.com', 'fb.com'], handle: first(['profile.php', 'people', 'pages', 'groups', 'events', 'watch', 'share', 'sharer', 'login']), pattern: /^[a-z0-9.]{5,50}$/ },
  bluesky: { hosts: ['bsky.app'], handle: after(['profile']), pattern: /^[a-z0-9.:-]{3,100}$/ },
};

/** A value with a scheme, or a host name followed by a path: read it as a URL. */
const LOOKS_LIKE_URL = /^(?:[a-z][a-z0-9+.-]*:\/\/|(?:[a-z0-9-]+\.)+[a-z]{2,}\/)/i;

function hostMatches(host: string, hosts: readonly string[]): boolean {
  // www., mobile., m. and country subdomains (uk.linkedin.com) are the same site.
  return hosts.some((h) => host === h || host.endsWith(`.${h}`));
}

function decodeSegment(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * The handle a CRM field holds, for the network the admin named the field for
 * (settings.handleFields): a bare handle ("@Dana", "dana") or a profile URL
 * ("https://twitter.com/Dana", "x.com/dana", "linkedin.com/in/dana-smith/", and for Mastodon
 * "https://mastodon.social/@dana" → "dana@mastodon.social"), in the canonical form of
 * {@link normalizeHandle}.
 *
 * Conservative like the rest of this module: a URL of another network, or one that is not a
 * profile (a post, a company page), or a value that cannot be a handle ("Dana Smith"), gives
 * null — a missing link costs less than a wrong one.
 */
export function handleFromCrmValue(network: Network, value: string | null | undefined): NormalizedHandle | null {
  const raw = (value ?? '').trim();
  if (raw === '' || raw.length > 2048) return null;
  if (LOOKS_LIKE_URL.test(raw)) return handleFromUrl(network, raw);
  const normalized = normalizeHandle(network, raw);
  const h = normalized.handle;
  if (h === '' || h.length > MAX_HANDLE_LENGTH || /[\s/?#\\]/u.test(h)) return null;
  // Only Mastodon handles carry a second "@" (user@host).
  if (h.includes('@') && network !== 'mastodon') return null;
  return normalized;
}

function handleFromUrl(network: Network, raw: string): NormalizedHandle | null {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = url.hostname.toLowerCase();
  const segments: string[] = [];
  for (const part of url.pathname.split('/').filter(Boolean)) {
    const decoded = decodeSegment(part);
    if (decoded === null) return null;
    segments.push(decoded);
  }
  if (network === 'mastodon') {
    // Any instance: https://<host>/@user (also /users/user).
    const user = at(segments) ?? after(['users'])(segments);
    if (!user || !/^[a-z0-9_]{1,30}$/i.test(user)) return null;
    return normalizeHandle('mastodon', `${user}@${host}`);
  }
  const rule = URL_RULES[network];
  if (!rule || !hostMatches(host, rule.hosts)) return null;
  const handle = rule.handle(segments, url);
  if (handle === null) return null;
  const normalized = normalizeHandle(network, handle);
  return rule.pattern.test(normalized.handle) ? normalized : null;
}

/**
 * Handles a CRM record holds, from the properties the admin named per network: network → handle
 * (canonical networks, so `twitter` lands on `x`). Values that are not handles are left out.
 */
export function handlesFromCrmProperties(
  handleFields: Partial<Record<Network, string>>,
  properties: Readonly<Record<string, string | null | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [network, property] of Object.entries(handleFields) as [Network, string | undefined][]) {
    if (!property) continue;
    const h = handleFromCrmValue(network, properties[property]);
    // Two fields naming the same network (x and twitter): the first with a value wins.
    if (h && out[h.network] === undefined) out[h.network] = h.handle;
  }
  return out;
}
