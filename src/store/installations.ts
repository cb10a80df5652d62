/**
 * Installations and their tokens. Tokens are sealed with the installation id as associated
 * data (secret-box.ts) and only ever unsealed in memory by src/sync/access.ts.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AccountInfo, CrmId, TokenSet } from '../../connectors/connector.ts';
import type { Db } from './db.ts';
import { installations } from './schema.ts';
import { decryptSecret, encryptSecret } from './secret-box.ts';

export type Installation = typeof installations.$inferSelect;

/**
 * Creates the installation for a CRM account, or updates it on reinstall (same id kept).
 * The install flow always passes `account.apiBaseUrl` (the account's own API host, else the
 * CRM app's); rows written without one use the configured host (src/sync/access.ts).
 */
export async function saveInstallation(
  db: Db,
  key: Buffer,
  crm: CrmId,
  account: AccountInfo,
  tokens: TokenSet,
): Promise<{ installation: Installation; created: boolean }> {
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: installations.id })
      .from(installations)
      .where(and(eq(installations.crm, crm), eq(installations.accountId, account.accountId)))
      .for('update');
    const id = existing?.id ?? randomUUID();
    const values = {
      accountDomain: account.accountDomain,
      apiBaseUrl: account.apiBaseUrl ?? null,
      scopes: account.scopes,
      accessTokenSealed: encryptSecret(key, tokens.accessToken, id),
      refreshTokenSealed: encryptSecret(key, tokens.refreshToken, id),
      accessExpiresAt: tokens.expiresAt,
      status: 'active',
      updatedAt: new Date(),
    };
    const [row] = existing
      ? await tx.update(installations).set(values).where(eq(installations.id, id)).returning()
      : await tx.insert(installations).values({ id, crm, accountId: account.accountId, ...values }).returning();
    return { installation: row!, created: !existing };
  });
}

export async function getInstallation(db: Db, id: string): Promise<Installation | null> {
  const [row] = await db.select().from(installations).where(eq(installations.id, id));
  return row ?? null;
}

export function unsealTokens(key: Buffer, inst: Installation): { accessToken: string; refreshToken: string } {
  return {
    accessToken: decryptSecret(key, inst.accessTokenSealed, inst.id),
    refreshToken: decryptSecret(key, inst.refreshTokenSealed, inst.id),
  };
}

export async function saveTokens(db: Db, key: Buffer, id: string, tokens: TokenSet): Promise<void> {
  await db
    .update(installations)
    .set({
      accessTokenSealed: encryptSecret(key, tokens.accessToken, id),
      refreshTokenSealed: encryptSecret(key, tokens.refreshToken, id),
      accessExpiresAt: tokens.expiresAt,
      updatedAt: new Date(),
    })
    .where(eq(installations.id, id));
}

export async function markDisconnected(db: Db, id: string): Promise<void> {
  await db.update(installations).set({ status: 'disconnected', updatedAt: new Date() }).where(eq(installations.id, id));
}

/**
 * Gives a CRM's installations from before migration 0012 (no API host stored) the configured
 * one; run at start for each configured CRM. Returns how many rows it filled.
 */
export async function fillApiBaseUrls(db: Db, crm: CrmId, apiBaseUrl: string): Promise<number> {
  const rows = await db
    .update(installations)
    .set({ apiBaseUrl })
    .where(and(eq(installations.crm, crm), isNull(installations.apiBaseUrl)))
    .returning({ id: installations.id });
  return rows.length;
}

export async function countInstallations(db: Db): Promise<number> {
  return (await db.select({ id: installations.id }).from(installations)).length;
}

/** Merges keys into an installation's settings (one JSONB update; other keys are kept). */
export async function updateSettings(db: Db, id: string, patch: Record<string, unknown>): Promise<void> {
  await db
    .update(installations)
    .set({ settings: sql`${installations.settings} || ${JSON.stringify(patch)}::jsonb`, updatedAt: new Date() })
    .where(eq(installations.id, id));
}
