/** The connector's `webhooks.receive`: verify, read, map — the outcome the generic route serves. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectors } from '../../../connectors/index.ts';

const app = { clientId: 'id', clientSecret: 'secret-1', appBaseUrl: 'https://app.example', apiBaseUrl: 'https://api.example', scopes: [] };
const URI = 'https://sway.example.com/webhooks/hubspot';
const NOW = 1_767_225_600_000;
const EVENT = { eventId: 7, subscriptionId: 1, portalId: 62515, appId: 2, occurredAt: NOW - 5000, subscriptionType: 'contact.deletion', attemptNumber: 0, objectId: 101 };

function receive(body: string, over: { secret?: string; timestamp?: number; headers?: Record<string, string> } = {}) {
  const timestamp = String(over.timestamp ?? NOW - 1000);
  const signature = createHmac('sha256', over.secret ?? app.clientSecret).update(`POST${URI}${body}${timestamp}`, 'utf8').digest('base64');
  const headers: Record<string, string> = over.headers ?? { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
  return connectors.hubspot.webhooks.receive(app, { method: 'POST', uri: URI, rawBody: Buffer.from(body), header: (n) => headers[n.toLowerCase()], nowMs: NOW });
}

describe('hubspot webhooks.receive', () => {
  it('turns a signed delivery into neutral change events, counting types Sway does not follow', () => {
    const out = receive(JSON.stringify([EVENT, { ...EVENT, eventId: 8, subscriptionType: 'ticket.creation' }]));
    expect(out).toEqual({
      ok: true,
      received: 2,
      ignored: 1,
      events: [{ eventId: 'hubspot:62515:7', accountId: '62515', objectType: 'contact', kind: 'deleted', objectId: '101', occurredAt: new Date(NOW - 5000) }],
    });
  });

  it('refuses with 401 what HubSpot did not sign, and 400 what cannot be read', () => {
    const body = JSON.stringify([EVENT]);
    expect(receive(body, { secret: 'other' })).toMatchObject({ ok: false, status: 401, code: 'SIGNATURE_INVALID' });
    expect(receive(body, { headers: {} })).toMatchObject({ ok: false, status: 401, code: 'SIGNATURE_MISSING' });
    expect(receive(body, { timestamp: NOW - 6 * 60_000 })).toMatchObject({ ok: false, status: 401, code: 'SIGNATURE_EXPIRED' });
    expect(receive('[{')).toMatchObject({ ok: false, status: 400, code: 'MALFORMED_JSON' });
    const shape = receive(JSON.stringify([{ ...EVENT, occurredAt: 'soon' }]));
    expect(shape).toMatchObject({ ok: false, status: 400, code: 'INVALID_WEBHOOK', issues: [{ path: '0.occurredAt' }] });
  });
});
