/**
 * Issue 17, item 4: a CRM connection that is accepted and never answered must not hold a job
 * "active" forever. Every HubSpot call (SDK and OAuth token requests) gives up after
 * HUBSPOT_TIMEOUT_MS and counts as a transient failure, which the queue retries.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../connectors/index.ts';
import { setRequestTimeout } from '../../connectors/hubspot/client.ts';
import { HUBSPOT_REQUEST_TIMEOUT_MS } from '../../connectors/hubspot/api.ts';
import { decideRetry } from '../../src/sync/retry.ts';

let server: Server;
let base: string;
const sockets = new Set<Socket>();
let accepted = 0;

beforeAll(async () => {
  // Accepts every connection, reads the request, never writes a byte back.
  server = createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('data', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  setRequestTimeout(300);
});
afterAll(async () => {
  setRequestTimeout(HUBSPOT_REQUEST_TIMEOUT_MS);
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('a CRM that accepts and never answers', () => {
  it('an SDK call fails as TRANSIENT instead of hanging, and the job backs off', async () => {
    const before = accepted;
    const err = await connectors.hubspot.readContacts({ apiBaseUrl: base, accessToken: 'at', accountId: '1' }, ['1', '2']).then(
      () => null,
      (e: unknown) => e,
    );
    expect(accepted).toBeGreaterThan(before); // it did reach the server
    expect(err).toMatchObject({ code: 'TRANSIENT' });
    expect(decideRetry(err, 1).kind).toBe('backoff');
  });

  it('a batch write and a token refresh fail the same way', async () => {
    const write = await connectors.hubspot
      .writeBatch({ apiBaseUrl: base, accessToken: 'at', accountId: '1' }, 'contact', [{ id: '1', properties: { sway_influence_score: '1' } }])
      .then(() => null, (e: unknown) => e);
    expect(write).toMatchObject({ code: 'TRANSIENT' });
    const refresh = await connectors.hubspot.oauth
      .refresh({ clientId: 'c', clientSecret: 's', appBaseUrl: base, apiBaseUrl: base, scopes: [] }, 'rt')
      .then(() => null, (e: unknown) => e);
    expect(refresh).toMatchObject({ code: 'TRANSIENT' });
  });
});
