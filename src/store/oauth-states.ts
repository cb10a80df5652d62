/**
 * OAuth `state` values guard the install callback against CSRF and replay. Each is random,
 * stored only as a SHA-256, expires after STATE_TTL_MS and is deleted when used, so it works
 * exactly once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from './db.ts';
import { oauthStates } from './schema.ts';

export const STATE_TTL_MS = 10 * 60 * 1000;

const hash = (state: string) => createHash('sha256').update(state).digest('hex');

/**
 * Marks a state whose install keeps the installation's earlier API keys (`?keepKeys=1`). The
 * state is stored by hash, so the mark cannot be added or removed by whoever holds the link.
 * base64url has no '.', so the suffix is unambiguous.
 */
export const KEEP_KEYS_SUFFIX = '.k';

export async function createOAuthState(db: Db, crm: string, now = new Date(), options: { keepKeys?: boolean } = {}): Promise<string> {
  const state = randomBytes(24).toString('base64url') + (options.keepKeys ? KEEP_KEYS_SUFFIX : '');
  await db.insert(oauthStates).values({ stateHash: hash(state), crm, createdAt: now, expiresAt: new Date(now.getTime() + STATE_TTL_MS) });
  // Expired states are useless; clearing them here keeps the table small without a cron.
  await db.delete(oauthStates).where(lt(oauthStates.expiresAt, now));
  return state;
}

/** True once for a valid, unexpired state of this CRM; false for unknown, used or expired ones. */
export async function consumeOAuthState(db: Db, crm: string, state: string, now = new Date()): Promise<boolean> {
  const deleted = await db
    .delete(oauthStates)
    .where(and(eq(oauthStates.stateHash, hash(state)), eq(oauthStates.crm, crm), gt(oauthStates.expiresAt, now)))
    .returning({ stateHash: oauthStates.stateHash });
  return deleted.length === 1;
}
