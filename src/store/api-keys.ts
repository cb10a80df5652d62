/**
 * Ingest API keys. A key is shown once (at install, rotation or `sway keys rotate`); only its
 * SHA-256 is stored. A plain hash (not bcrypt/scrypt) is right here because keys are 32 random
 * bytes, not guessable passwords, and every ingest request must look one up quickly.
 *
 * Keys are revoked, never deleted, so a listing shows when each stopped working.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { apiKeys, installations } from './schema.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** A key as listed: never the key itself, only its public prefix. */
export interface ApiKeyInfo {
  id: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A newly issued key: `key` is the secret, shown once. */
export interface IssuedKey {
  id: string;
  prefix: string;
  key: string;
}

async function insertKey(db: Db | Tx, installationId: string): Promise<IssuedKey> {
  const prefix = randomBytes(4).toString('hex');
  const key = `sway_${prefix}_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await db.insert(apiKeys).values({ id, installationId, prefix, keyHash: hashKey(key) });
  return { id, prefix, key };
}

export async function createApiKey(db: Db, installationId: string): Promise<string> {
  return (await insertKey(db, installationId)).key;
}

/**
 * Issues a new key and, in the same transaction, revokes the installation's active keys: all of
 * them (`revoke: 'all'`), the listed ids, or none. Returns the new key and the ids revoked.
 */
export async function issueApiKey(db: Db, installationId: string, revoke: 'all' | 'none' | readonly string[]): Promise<IssuedKey & { revoked: string[] }> {
  return db.transaction(async (tx) => {
    const revoked = revoke === 'none' ? [] : await revokeKeys(tx, installationId, revoke);
    return { ...(await insertKey(tx, installationId)), revoked };
  });
}

/** Revokes active keys of the installation (all, or those ids); returns the ids revoked. */
export async function revokeKeys(db: Db | Tx, installationId: string, which: 'all' | readonly string[]): Promise<string[]> {
  if (which !== 'all' && which.length === 0) return [];
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(apiKeys.installationId, installationId),
        isNull(apiKeys.revokedAt),
        which === 'all' ? undefined : sql`${apiKeys.id}::text IN (SELECT jsonb_array_elements_text(${JSON.stringify(which)}::jsonb))`,
      ),
    )
    .returning({ id: apiKeys.id });
  return rows.map((r) => r.id);
}

/** The installation's keys, oldest first. */
export async function listApiKeys(db: Db, installationId: string): Promise<ApiKeyInfo[]> {
  return db
    .select({ id: apiKeys.id, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.installationId, installationId))
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

/** The active installation a key belongs to, and the key's id; null when unknown, revoked or disconnected. */
export async function installationForApiKey(db: Db, key: string): Promise<{ installationId: string; keyId: string } | null> {
  const rows = await db
    .select({ installationId: apiKeys.installationId, keyId: apiKeys.id })
    .from(apiKeys)
    .innerJoin(installations, eq(installations.id, apiKeys.installationId))
    .where(and(eq(apiKeys.keyHash, hashKey(key)), isNull(apiKeys.revokedAt), eq(installations.status, 'active')))
    .limit(1);
  return rows[0] ?? null;
}
