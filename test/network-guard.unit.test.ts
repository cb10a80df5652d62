import { describe, expect, it } from 'vitest';
import { Client } from '@hubspot/api-client';

describe('test network guard', () => {
  it('refuses any connection to a real HubSpot host from tests', async () => {
    const client = new Client({ accessToken: 'x', numberOfApiCallRetries: 0 });
    await expect(client.crm.contacts.basicApi.getPage(1)).rejects.toThrow(/Disallowed net connect/);
  });
});
