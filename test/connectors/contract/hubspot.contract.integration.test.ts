/**
 * The connector contract (connector-contract.ts) for HubSpot: the HubSpot connector against the
 * HubSpot sandbox over real HTTP. Webhook deliveries are the sandbox's own signed POSTs, caught
 * by a local listener and handed to the connector as Sway's server would receive them.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '../../../connectors/connector.ts';
import { hubspot } from '../../../connectors/hubspot/index.ts';
import { createHubSpotSandbox, type HubSpotSandbox } from '../../../connectors/hubspot/sandbox/index.ts';
import { describeConnectorContract, type ContractClock, type ContractDriver } from './connector-contract.ts';

const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.schemas.contacts.read', 'crm.schemas.contacts.write', 'crm.objects.deals.read'];
const RATE_LIMIT = { max: 100, intervalMs: 10_000 };
// HubSpot refuses a v3 signature older than 5 minutes (connectors/hubspot/webhooks.ts).
const REPLAY_WINDOW_MS = 5 * 60_000;

interface Caught {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function hubspotDriver(): ContractDriver {
  let sandbox: HubSpotSandbox;
  let clock: ContractClock;
  let listener: Server;
  let listenerUrl = '';
  const caught: Caught[] = [];
  let edits = 0;

  const toRequest = (c: Caught): WebhookRequest => ({
    method: c.method,
    uri: `${listenerUrl}${c.url}`,
    rawBody: c.body,
    header: (name) => {
      const v = c.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    },
    nowMs: clock.now(),
  });

  return {
    name: 'HubSpot',
    connector: hubspot,
    redirectUri: 'http://localhost:3000/oauth/hubspot/callback',

    async start(c) {
      clock = c;
      sandbox = createHubSpotSandbox({ now: () => clock.now(), searchLagMs: 0, rateLimit: RATE_LIMIT });
      await sandbox.start(0);
      listener = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          caught.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      // A long batch window: events wait for captureNotifications' flush, never for a timer.
      sandbox.configureWebhooks({ targetUrl: `${listenerUrl}/webhooks/hubspot`, batchWindowMs: 3_600_000, maxRetries: 0 });
    },
    async stop() {
      await sandbox?.stop();
      if (listener) {
        listener.closeAllConnections();
        await new Promise((resolve) => listener.close(resolve));
      }
    },

    oauthApp: () => ({ clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, appBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, scopes: SCOPES }),
    async consent(authorizeUrl, state) {
      // A fresh connection: an idle keep-alive socket may be closed by the sandbox meanwhile (ECONNRESET
      // seen after PGlite's slow start in the case before).
      const res = await fetch(authorizeUrl, { redirect: 'manual', headers: { connection: 'close' } });
      if (res.status !== 302) throw new Error(`consent: the authorize page answered ${res.status}`);
      const location = new URL(res.headers.get('location')!);
      if (location.searchParams.get('state') !== state) throw new Error('consent: the redirect lost the state');
      return location.searchParams.get('code')!;
    },
    expectedAccount: () => ({ accountId: String(sandbox.portalId), scopes: SCOPES, apiBaseUrl: sandbox.url }),
    expireAccessTokens: () => sandbox.expireAccessTokens(),
    revokeRefreshTokens: () => sandbox.revokeRefreshTokens(),
    refreshCount: () => sandbox.requests.filter((r) => r.grantType === 'refresh_token' && r.status === 200).length,

    seedContacts: (emails) => sandbox.seedContacts(emails.map((email) => ({ email }))),
    touchContact: (id) => sandbox.updateContact(id, { firstname: `Edit ${++edits}` }),
    deleteContact: (id) => sandbox.deleteContact(id),
    mergeContacts(primaryId, duplicateId) {
      // HubSpot's merge makes a new record; both merged ids are gone.
      const survivingId = sandbox.mergeContacts(primaryId, duplicateId);
      return { survivingId, mergedIds: [primaryId, duplicateId], primaryId };
    },
    // A batch update names a record HubSpot no longer has in a 207 OBJECT_NOT_FOUND item.
    makeContactRefuseWrites: (id) => sandbox.deleteContact(id),

    inject429() {
      sandbox.setFaults({ rate429: 1 });
      return { retryAfterMs: RATE_LIMIT.intervalMs };
    },
    clearFaults: () => sandbox.setFaults({}),
    dataRequestCount: () => sandbox.requests.filter((r) => r.path.startsWith('/crm/')).length,

    async captureNotifications(action) {
      await sandbox.flushWebhooks(); // what earlier cases caused is not this capture's
      caught.length = 0;
      action();
      await sandbox.flushWebhooks();
      return caught.splice(0).map(toRequest);
    },
    forged(request) {
      const events = JSON.parse(request.rawBody.toString('utf8')) as Array<{ objectId: number }>;
      events[0]!.objectId += 1;
      return { ...request, rawBody: Buffer.from(JSON.stringify(events)) };
    },
    stale: (request) => ({ ...request, nowMs: request.nowMs + REPLAY_WINDOW_MS + 60_000 }),
  };
}

describeConnectorContract(hubspotDriver());
