/**
 * Live sessions for one installation. Tokens are unsealed in memory only; an access token is
 * refreshed when it has less than the configured margin left (tokens that live
 * 30 minutes at the first connector: refresh ahead of expiry, not on 401) or when the CRM rejected it. A refresh happens once
 * across every worker: a Redis lock serialises it, and whoever waited re-reads the token the
 * winner stored. A revoked refresh token marks the installation disconnected, so every later
 * call stops before reaching the CRM.
 *
 * Each installation is served by its own CRM's connector, with that CRM's OAuth app from
 * configuration, and its sessions call the API host stored on the installation (a Salesforce
 * org has its own instance URL). Each session carries request hooks: that CRM's shared
 * per-account rate budget before a request, and the daily request/error counts (and 429
 * penalties) after it.
 */
import type { Redis } from 'ioredis';
import type { CrmSession, OAuthApp, RequestHooks } from '../../connectors/connector.ts';
import { connectors, type CrmId } from '../../connectors/index.ts';
import { SwayError } from '../domain/errors.ts';
import type { Db } from '../store/db.ts';
import { getInstallation, markDisconnected, saveTokens, unsealTokens, type Installation } from '../store/installations.ts';
import { countRequest } from '../store/request-stats.ts';
import type { RateBudget } from './rate-budget.ts';
import { RedisLock } from './redis-lock.ts';

/** What one configured CRM contributes to token access. */
export interface CrmAccess {
  oauthApp: OAuthApp;
  /** The shared per-account budget built from the connector's limits (src/jobs/context.ts). */
  budget: RateBudget;
}

export interface AccessDeps {
  db: Db;
  encryptionKey: Buffer;
  /** The CRMs this process is configured for; an installation of any other cannot get a session. */
  crms: Partial<Record<CrmId, CrmAccess>>;
  refreshMarginMs: number;
  redis: Redis;
  /** Redis key prefix (the queue prefix), so tenants of one Redis stay apart. */
  prefix: string;
  now?: () => number;
}

const LOCK_TTL_MS = 20_000;

/** A session for data calls. `rejectedToken`: the CRM refused this token (401): refresh it. */
export async function sessionFor(deps: AccessDeps, installationId: string, rejectedToken?: string): Promise<CrmSession> {
  for (let waited = 0; ; ) {
    const inst = await activeInstallation(deps, installationId);
    const tokens = unsealTokens(deps.encryptionKey, inst);
    const now = deps.now?.() ?? Date.now();
    const stale = inst.accessExpiresAt.getTime() - now <= deps.refreshMarginMs || tokens.accessToken === rejectedToken;
    if (!stale) return session(deps, inst, tokens.accessToken);

    const lock = new RedisLock(deps.redis, `${deps.prefix}:refresh-lock:${installationId}`, LOCK_TTL_MS);
    if (await lock.acquire()) {
      try {
        // Someone may have refreshed between our read and our lock.
        const fresh = await activeInstallation(deps, installationId);
        const current = unsealTokens(deps.encryptionKey, fresh);
        if (current.accessToken !== tokens.accessToken) return session(deps, fresh, current.accessToken);
        const next = await connectors[inst.crm as CrmId].oauth.refresh(crmAccess(deps, inst).oauthApp, current.refreshToken).catch(async (err) => {
          if (err instanceof SwayError && err.code === 'DISCONNECTED') await markDisconnected(deps.db, installationId);
          throw err;
        });
        await saveTokens(deps.db, deps.encryptionKey, installationId, next);
        return session(deps, fresh, next.accessToken);
      } finally {
        await lock.release();
      }
    }
    // Another worker is refreshing: wait for it, then read what it stored.
    if (waited > LOCK_TTL_MS) throw new SwayError('TRANSIENT', 'token refresh is taking too long; will retry');
    await new Promise((r) => setTimeout(r, 50));
    waited += 50;
    const after = await activeInstallation(deps, installationId);
    const afterToken = unsealTokens(deps.encryptionKey, after).accessToken;
    if (afterToken !== tokens.accessToken) return session(deps, after, afterToken);
  }
}

async function activeInstallation(deps: AccessDeps, installationId: string): Promise<Installation> {
  const inst = await getInstallation(deps.db, installationId);
  if (!inst) throw new SwayError('NOT_FOUND', `installation ${installationId} not found`);
  if (inst.status !== 'active') throw new SwayError('DISCONNECTED', `installation ${installationId} is disconnected; reinstall the app`);
  return inst;
}

/** The installation's CRM as this process has it configured. */
function crmAccess(deps: AccessDeps, inst: Installation): CrmAccess {
  const access = Object.hasOwn(deps.crms, inst.crm) ? deps.crms[inst.crm as CrmId] : undefined;
  if (!access) throw new SwayError('INTERNAL', `installation ${inst.id} belongs to ${inst.crm}, which this process is not configured for (README: Configuration)`);
  return access;
}

function session(deps: AccessDeps, inst: Installation, accessToken: string): CrmSession {
  const crm = crmAccess(deps, inst);
  // Null for rows the install flow did not write (src/store/schema.ts): the app's host, which
  // is every account's for a CRM with one API host.
  const apiBaseUrl = inst.apiBaseUrl ?? crm.oauthApp.apiBaseUrl;
  return { apiBaseUrl, accessToken, accountId: inst.accountId, hooks: requestHooks(crm.budget, deps, inst) };
}

function requestHooks(budget: RateBudget, deps: AccessDeps, inst: Installation): RequestHooks {
  const account = `${inst.crm}:${inst.accountId}`;
  return {
    beforeRequest: (kind) => budget.acquire(account, kind),
    async afterResponse(kind, status, headers) {
      await countRequest(deps.db, inst.id, status);
      if (status === 429) {
        const retryAfter = Number(headers['retry-after'] ?? headers['Retry-After']);
        await budget.penalize(account, kind, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
      }
    },
  };
}

/**
 * Runs one CRM call with a session; if the CRM rejects the token (401), refreshes it once —
 * across all workers — and runs the call again.
 */
export async function withSession<T>(deps: AccessDeps, installationId: string, call: (s: CrmSession) => Promise<T>): Promise<T> {
  const first = await sessionFor(deps, installationId);
  try {
    return await call(first);
  } catch (err) {
    if (!(err instanceof SwayError) || err.code !== 'AUTH_EXPIRED') throw err;
    return call(await sessionFor(deps, installationId, first.accessToken));
  }
}
