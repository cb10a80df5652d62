/** Small HTTP helpers for integration tests of Sway's /api/v1 routes. */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createApiKey } from '../../src/store/api-keys.ts';
import { saveInstallation } from '../../src/store/installations.ts';
import type { Harness } from './harness.ts';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

/** Calls Sway with an API key; JSON in, JSON (or nothing) out. */
export function apiClient(h: Harness, key: string) {
  return async <T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const res = await fetch(`${h.rt.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** A second tenant in the same Sway (another HubSpot portal), with its own API key. */
export async function otherInstallation(h: Harness): Promise<{ installationId: string; apiKey: string }> {
  const { installation } = await saveInstallation(
    h.rt.store.db,
    h.rt.config.encryptionKey,
    'hubspot',
    { accountId: `other-${randomUUID()}`, accountDomain: null, scopes: [] },
    { accessToken: 'other-access', refreshToken: 'other-refresh', expiresAt: new Date(Date.now() + 3600_000) },
  );
  return { installationId: installation.id, apiKey: await createApiKey(h.rt.store.db, installation.id) };
}

/** Rows of a query (node-postgres and PGlite both answer `{ rows }`). */
export async function rows<T = Record<string, unknown>>(h: Harness, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await h.rt.store.db.execute(query)) as unknown as { rows: T[] }).rows;
}
