/**
 * Which hosts a Salesforce connector may send an org's token to (the token answer's
 * `instance_url` is called with the org's token, so it is validated first). A forged token answer must not turn Sway into a proxy for
 * internal addresses: only https Salesforce hosts pass, plus exact origins the caller passes
 * (the local sandbox in tests and the demo), never a wildcard.
 */
import { SwayError } from '../../src/domain/errors.ts';

export interface HostPolicy {
  /** Exact origins allowed besides Salesforce's (e.g. `http://127.0.0.1:41234`). */
  extraOrigins?: readonly string[];
}

/** My Domain (`*.my.salesforce.com`), instances and login hosts (`*.salesforce.com`), Lightning and sites (`*.force.com`). */
const SALESFORCE_SUFFIXES = ['.salesforce.com', '.force.com'];

/** The URL's origin when it is an allowed Salesforce host; INVALID otherwise. */
export function salesforceOrigin(raw: string, policy: HostPolicy, what: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SwayError('INVALID', `Salesforce ${what} is not a URL`);
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  if (bare && policy.extraOrigins?.includes(url.origin)) return url.origin;
  const host = url.hostname.toLowerCase();
  const salesforce = SALESFORCE_SUFFIXES.some((s) => host.endsWith(s) && host.length > s.length && !host.slice(0, -s.length).endsWith('.'));
  if (url.protocol !== 'https:' || url.port !== '' || !bare || !salesforce) {
    // The host is named (it is not a secret) so an operator can see what was refused.
    throw new SwayError('INVALID', `Salesforce ${what} refused: ${url.protocol}//${host} is not an https Salesforce host`);
  }
  return url.origin;
}
