/**
 * Deterministic randomisation of a campaign's units to treatment or control (README, "Measuring
 * campaigns (statistics)"). The unit is the account/company when known — colleagues talk, so treating one
 * and holding out the other would leak the treatment into the control — else the contact.
 *
 * u = the first 52 bits of SHA-256(campaignId NUL unitKey) / 2^52, uniform on [0, 1); the unit is
 * in control when u < holdoutShare. Same inputs, same arm, on any machine and in any language
 * (a Salesforce Apex or SQL re-implementation can reproduce it), so assigning again is
 * idempotent and an auditor can recompute every arm. The campaign id is part of the hash so a
 * unit held out of one campaign is not held out of every campaign.
 */
import { createHash } from 'node:crypto';

export type Arm = 'treatment' | 'control';

/** A prospect as the randomiser sees it: its CRM contact id and its account/company id when known. */
export interface RandomisationSubject {
  contactId: string;
  accountId?: string | null;
}

/** The unit key: `account:<id>` when the account is known, else `contact:<id>` (prefixed so an account and a contact sharing an id never collide). */
export function randomisationUnit(s: RandomisationSubject): string {
  const account = s.accountId?.trim();
  if (account) return `account:${account}`;
  const contact = s.contactId.trim();
  if (!contact) throw new RangeError('a randomisation unit needs an account or a contact id');
  return `contact:${contact}`;
}

/** The unit's uniform draw in [0, 1) for this campaign. */
export function assignmentDraw(campaignId: string, unitKey: string): number {
  const digest = createHash('sha256').update(campaignId).update('\u0000').update(unitKey).digest();
  // 52 bits: 6 whole bytes and the high nibble of the seventh, exactly representable in a double.
  const hi = digest.readUIntBE(0, 6);
  const lo = digest[6]! >>> 4;
  return (hi * 16 + lo) / 2 ** 52;
}

/** The arm of a unit, given the campaign's pre-registered holdout share (the control fraction, strictly between 0 and 1). */
export function assignArm(campaignId: string, unitKey: string, holdoutShare: number): Arm {
  if (!(holdoutShare > 0 && holdoutShare < 1)) throw new RangeError(`holdout share must be strictly between 0 and 1, got ${holdoutShare}`);
  return assignmentDraw(campaignId, unitKey) < holdoutShare ? 'control' : 'treatment';
}
