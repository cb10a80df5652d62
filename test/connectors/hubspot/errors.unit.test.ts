// Network failures from both transports @hubspot/api-client 14 uses (node:http with Sway's
// agent for generated calls, the global fetch for apiRequest) are classified TRANSIENT and
// keep the system error code in the message.
import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CrmSession } from '../../../connectors/connector.ts';
import { anonymousClient, sessionClient } from '../../../connectors/hubspot/client.ts';
import { classifyHubSpotError } from '../../../connectors/hubspot/errors.ts';

let closedUrl: string;
beforeAll(async () => {
  // A port that was just free: nothing listens there, so connecting is refused at once.
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('classifyHubSpotError on network failures', () => {
  it('generated SDK call (node:http): TRANSIENT with ECONNREFUSED', async () => {
    const session: CrmSession = { accessToken: 'x', apiBaseUrl: closedUrl };
    const err = await sessionClient(session).crm.contacts.basicApi.getPage(1).then(() => null, (e: unknown) => e);
    const classified = classifyHubSpotError(err, 'HubSpot read');
    expect(classified.code).toBe('TRANSIENT');
    expect(classified.message).toBe('HubSpot read failed: network error (ECONNREFUSED)');
  });

  it('apiRequest (global fetch, "fetch failed" with the code in cause): TRANSIENT with ECONNREFUSED', async () => {
    const err = await anonymousClient(closedUrl).apiRequest({ method: 'POST', path: '/oauth/v1/token' }).then(() => null, (e: unknown) => e);
    expect((err as Error).message).toBe('fetch failed');
    const classified = classifyHubSpotError(err, 'HubSpot token refresh');
    expect(classified.code).toBe('TRANSIENT');
    expect(classified.message).toBe('HubSpot token refresh failed: network error (ECONNREFUSED)');
  });
});
