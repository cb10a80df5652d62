import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Client } from '@hubspot/api-client';
import type { CrmSession } from '../connectors/connector.ts';
import { anonymousClient, sessionClient } from '../connectors/hubspot/client.ts';
import { connectTarget, isLoopbackHost, REFUSED_CODE } from './helpers/loopback-sockets.ts';

describe('test network guard', () => {
  it('refuses any connection to a real HubSpot host from tests', async () => {
    const client = new Client({ accessToken: 'x', numberOfApiCallRetries: 0 });
    await expect(client.crm.contacts.basicApi.getPage(1)).rejects.toThrow(/Disallowed net connect/);
  });

  // @hubspot/api-client 14 sends generated calls with an http.Agent through node:http and
  // apiRequest (the OAuth calls) through the global fetch: both paths must be refused.
  it('refuses the SDK paths Sway uses: session client (node:http with agent) and apiRequest (fetch)', async () => {
    const session: CrmSession = { accessToken: 'x', apiBaseUrl: 'https://api.hubapi.com' };
    await expect(sessionClient(session).crm.contacts.basicApi.getPage(1)).rejects.toThrow(/Disallowed net connect/);
    await expect(anonymousClient('https://api.hubapi.com').apiRequest({ method: 'POST', path: '/oauth/v1/token' })).rejects.toThrow(/Nock: Disallowed net connect/);
  });

  it('refuses a raw socket to a non-loopback host and lets loopback through', async () => {
    const refused = await new Promise<NodeJS.ErrnoException>((resolve) => net.connect(443, 'example.com').on('error', resolve));
    expect(refused.code).toBe(REFUSED_CODE);
    expect(refused.message).toMatch(/Disallowed net connect to example\.com/);
    // Loopback goes to the real connect: nothing listens on port 9 here, so it is refused by the kernel.
    const local = await new Promise<NodeJS.ErrnoException>((resolve) => net.connect(9, '127.0.0.1').on('error', resolve));
    expect(local.code).toBe('ECONNREFUSED');
  });

  it('reads the target host from every Socket#connect signature', () => {
    expect(connectTarget([{ host: 'login.salesforce.com', port: 443 }])).toBe('login.salesforce.com');
    expect(connectTarget([[{ host: 'api.hubapi.com', port: 443 }, () => {}]])).toBe('api.hubapi.com');
    expect(connectTarget([{ port: 6379 }])).toBe('localhost');
    expect(connectTarget([5432, '10.0.0.5'])).toBe('10.0.0.5');
    expect(connectTarget(['5432'])).toBe('localhost');
    expect(connectTarget([{ path: '/tmp/.s.PGSQL.5432' }])).toBeUndefined();
    expect(connectTarget(['/tmp/redis.sock'])).toBeUndefined();
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['198.51.100.7', '203.0.113.9', '0.0.0.0', 'example.com', '127.0.0.1.example.com', '::ffff:10.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
  });
});
