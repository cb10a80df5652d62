/**
 * Ingest API keys. The key is shown once at install; only its SHA-256 is stored. A plain hash
 * (not bcrypt/scrypt) is right here because keys are 32 random bytes, not guessable
 * passwords, and every ingest request must look one up quickly.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './db.ts';
import { apiKeys, installations } from './schema.ts';

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createApiKey(db: Db, installationId: string): Promise<string> {
  const prefix = randomBytes(4).toString('hex');
  const key = `sway_${prefix}_${randomBytes(32).toString('base64url')}`;
  await db.insert(apiKeys).values({ id: randomUUID(), installationId, prefix, keyHash: hashKey(key) });
  return key;
}

/** The active installation a key belongs to, or null (unknown, revoked or disconnected). */
export async function installationForApiKey(db: Db, key: string): Promise<{ installationId: string; keyId: string } | null> {
  const rows = await db
    .select({ installationId: apiKeys.installationId, keyId: apiKeys.id })
    .from(apiKeys)
    .innerJoin(installations, eq(installations.id, apiKeys.installationId))
    .where(and(eq(apiKeys.keyHash, hashKey(key)), isNull(apiKeys.revokedAt), eq(installations.status, 'active')))
    .limit(1);
  return rows[0] ?? null;
}
