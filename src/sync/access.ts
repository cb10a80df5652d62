/**
 * Live credentials for one installation. Tokens are unsealed in memory, refreshed when they
 * have less than the configured margin left (HubSpot access tokens live 30 minutes: refresh
 * ahead of expiry, not on 401), and the new tokens sealed and stored before use. A revoked
 * refresh token marks the installation disconnected so every later call stops early.
 *
 * Not yet shared across workers: two workers refreshing at once both succeed at HubSpot
 * (refresh tokens do not rotate there). A Redis lock comes with the sync engine.
 */
import type { CrmSession, OAuthApp } from '../../connectors/connector.ts';
import { connectors, type CrmId } from '../../connectors/index.ts';
import { SwayError } from '../domain/errors.ts';
import type { Db } from '../store/db.ts';
import { getInstallation, markDisconnected, saveTokens, unsealTokens } from '../store/installations.ts';

export interface AccessDeps {
  db: Db;
  encryptionKey: Buffer;
  oauthApp: OAuthApp;
  refreshMarginMs: number;
  now?: () => number;
}

export async function sessionFor(deps: AccessDeps, installationId: string): Promise<CrmSession> {
  const inst = await getInstallation(deps.db, installationId);
  if (!inst) throw new SwayError('NOT_FOUND', `installation ${installationId} not found`);
  if (inst.status !== 'active') throw new SwayError('DISCONNECTED', `installation ${installationId} is disconnected; reinstall the app`);
  const connector = connectors[inst.crm as CrmId];
  const tokens = unsealTokens(deps.encryptionKey, inst);
  const now = deps.now?.() ?? Date.now();
  if (inst.accessExpiresAt.getTime() - now > deps.refreshMarginMs) {
    return { apiBaseUrl: deps.oauthApp.apiBaseUrl, accessToken: tokens.accessToken };
  }
  try {
    const fresh = await connector.oauth.refresh(deps.oauthApp, tokens.refreshToken);
    await saveTokens(deps.db, deps.encryptionKey, inst.id, fresh);
    return { apiBaseUrl: deps.oauthApp.apiBaseUrl, accessToken: fresh.accessToken };
  } catch (err) {
    if (err instanceof SwayError && err.code === 'DISCONNECTED') await markDisconnected(deps.db, inst.id);
    throw err;
  }
}
