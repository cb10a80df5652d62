/**
 * The connector contract (issue 12, item 7): one set of tests every connector and its sandbox
 * must pass. The cases are written only against the `Connector` interface
 * (connectors/connector.ts); everything vendor-specific — starting the sandbox, consenting,
 * editing records "in the CRM UI", injecting faults, capturing a signed change notification —
 * sits behind a `ContractDriver`, one per CRM (test/connectors/contract/<crm>.contract.integration.test.ts).
 *
 * A new CRM gets its connector, its sandbox and a driver; then `describeConnectorContract(driver)`
 * must pass unchanged. A failing case is a connector (or sandbox) bug, never a reason to edit
 * the case for one CRM.
 *
 * Time: the suite owns a manual clock and hands it to the driver, whose sandbox must use it for
 * record modification times, token lifetimes and notification timestamps. Nothing here waits on
 * wall time, so a loaded machine makes the suite slower, never failed.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connector, CrmContact, CrmSession, OAuthApp, RequestHooks, WebhookRequest } from '../../../connectors/connector.ts';
import type { ChangeEvent } from '../../../src/domain/change-events.ts';
import { SwayError } from '../../../src/domain/errors.ts';
import { CRM_OBJECTS } from '../../../src/domain/objects.ts';
import { openStore, type Store } from '../../../src/store/db.ts';
import { saveInstallation } from '../../../src/store/installations.ts';
import { withSession, type AccessDeps } from '../../../src/sync/access.ts';
import { budgetPolicies, RateBudget } from '../../../src/sync/rate-budget.ts';
import { dropSchema, TEST_DATABASE_URL } from '../../helpers/harness.ts';

/** The suite's clock (ms since epoch). Only the suite moves it. */
export interface ContractClock {
  now(): number;
}

/** What the connector's `accountInfo` must report for the sandbox's account. */
export interface ExpectedAccount {
  accountId: string;
  /** Every scope the consent granted (compared as a set). */
  scopes: string[];
  /** Where this account's data API lives: `AccountInfo.apiBaseUrl`, or the app's `apiBaseUrl` when the connector leaves it out. */
  apiBaseUrl: string;
}

/** What a merge did, as the connector's `merged` change event must report it. */
export interface MergeResult {
  /** The record that remains (HubSpot: a new id; Salesforce: the master's id). */
  survivingId: string;
  /** The records that no longer exist on their own (never the survivor). */
  mergedIds: string[];
  /** The record whose values won (HubSpot: the primary, now merged away; Salesforce: the master, the survivor). */
  primaryId: string;
}

/**
 * The vendor side of the contract: one implementation per CRM. Every member acts on the
 * sandbox the driver started, as the CRM or one of its users would — never through Sway's code.
 * Methods named "as an admin" stand for a person in the CRM's UI: their effects must reach the
 * CRM's change notifications like any UI edit does.
 */
export interface ContractDriver {
  /** Shown in the describe title ("HubSpot"). */
  readonly name: string;
  /** The connector under test (the object connectors/<crm>/index.ts exports). */
  readonly connector: Connector;

  // ---- lifecycle --------------------------------------------------------------------------
  /**
   * Starts the sandbox on a random local port, using `clock` for every time it keeps (records'
   * modified times, token expiry, notification timestamps) and with no search-index lag, so a
   * write is visible to the next search. Also starts whatever receives the CRM's change
   * notifications (a local HTTP listener for webhooks). Called once, in beforeAll.
   */
  start(clock: ContractClock): Promise<void>;
  /** Stops the sandbox and every listener `start` opened. Called in afterAll, even after failures. */
  stop(): Promise<void>;

  // ---- OAuth ------------------------------------------------------------------------------
  /** The registered app (client id and secret, consent and API hosts at the sandbox, scopes). */
  oauthApp(): OAuthApp;
  /** A redirect URI the app registered; the consent redirects there with the code. */
  readonly redirectUri: string;
  /**
   * Plays the admin on the consent screen: opens `authorizeUrl` (the connector's), approves,
   * and returns the `code` from the redirect to `redirectUri` (following it without a browser:
   * fetch with redirect 'manual'). Must check the redirect carries `state` back unchanged.
   */
  consent(authorizeUrl: string, state: string): Promise<string>;
  /** The account the sandbox's consent installs into. */
  expectedAccount(): ExpectedAccount;
  /** Every access token issued so far stops working (the next data call gets the CRM's 401). */
  expireAccessTokens(): void;
  /** Every refresh token is revoked (an uninstall, or an admin removing the app). */
  revokeRefreshTokens(): void;
  /** How many token refreshes (refresh_token grants) the sandbox has answered so far. */
  refreshCount(): number;

  // ---- records, as an admin in the CRM's UI -----------------------------------------------
  /** Creates contacts with these emails at the clock's current time; returns their ids in order. */
  seedContacts(emails: string[]): string[];
  /** Edits a contact (any ordinary field) at the clock's current time, so its modified time moves. */
  touchContact(id: string): void;
  /** Deletes a contact (the CRM's ordinary delete, not a privacy erasure). */
  deleteContact(id: string): void;
  /** Merges `duplicateId` into `primaryId` (the primary's values win). */
  mergeContacts(primaryId: string, duplicateId: string): MergeResult;
  /**
   * Makes the CRM refuse the next write to this contact while other records of the same batch
   * still go through (HubSpot: the record is deleted, a 207 OBJECT_NOT_FOUND item; Salesforce:
   * e.g. a validation rule or a deleted record in an allOrNone=false collection).
   */
  makeContactRefuseWrites(id: string): void;

  // ---- faults -----------------------------------------------------------------------------
  /**
   * From now on every data request is answered with the CRM's rate-limit response (its real
   * status, body and headers). Returns the Retry-After the CRM sends with it, in ms (undefined
   * when this CRM sends none: the connector must then leave `retryAfterMs` unset).
   */
  inject429(): { retryAfterMs: number | undefined };
  /** Ends every injected fault. */
  clearFaults(): void;
  /** Data requests (not OAuth) the sandbox has received so far, faulted ones included. */
  dataRequestCount(): number;

  // ---- change notifications ---------------------------------------------------------------
  /**
   * Runs `action` (admin edits through this driver), lets the sandbox deliver the notifications
   * they cause, and returns each delivery exactly as Sway's HTTP server would have received it
   * (method, full URI, raw body, headers, and `nowMs` = the clock's time). For a CRM that
   * reports changes without webhooks (Salesforce: change data capture), the Connector first
   * needs a change-feed member; this method and the verification cases then grow a second
   * branch — do not skip them.
   */
  captureNotifications(action: () => void): Promise<WebhookRequest[]>;
  /** The same delivery with its body altered after signing (a forgery). */
  forged(request: WebhookRequest): WebhookRequest;
  /** The same delivery received later than the CRM's replay window allows. */
  stale(request: WebhookRequest): WebhookRequest;
}

const T0 = Date.parse('2026-06-01T09:00:00.000Z');
/**
 * The clock moves this far before each case, so every case starts in fresh rate windows (CRMs
 * limit per second or per ten seconds; the sandboxes count on the suite's clock) and no case
 * meets a 429 it did not inject. Small against token lifetimes (HubSpot: 30 minutes).
 */
const CASE_GAP_MS = 15_000;

async function rejection(call: Promise<unknown>): Promise<SwayError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof SwayError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Every contact a full read returns, with the size of each page. */
async function listAll(connector: Connector, session: CrmSession, pageSize: number): Promise<{ contacts: CrmContact[]; pages: number[] }> {
  const contacts: CrmContact[] = [];
  const pages: number[] = [];
  for await (const page of connector.listContacts(session, { pageSize })) {
    pages.push(page.length);
    contacts.push(...page);
  }
  return { contacts, pages };
}

export function describeConnectorContract(driver: ContractDriver): void {
  const { connector } = driver;
  let time = T0;
  const clock: ContractClock = { now: () => time };
  const advance = (ms: number) => {
    time += ms;
  };
  let app: OAuthApp;
  let session: CrmSession;

  /** A full install: consent, code exchange, account info. */
  async function install() {
    const state = randomBytes(8).toString('hex');
    const url = connector.oauth.authorizeUrl(app, { redirectUri: driver.redirectUri, state });
    const code = await driver.consent(url, state);
    const tokens = await connector.oauth.exchangeCode(app, { code, redirectUri: driver.redirectUri });
    const account = await connector.oauth.accountInfo(app, tokens.accessToken);
    return { tokens, account };
  }

  describe(`connector contract: ${driver.name}`, () => {
    beforeAll(async () => {
      await driver.start(clock);
      app = driver.oauthApp();
      const { tokens, account } = await install();
      session = { apiBaseUrl: account.apiBaseUrl ?? app.apiBaseUrl, accessToken: tokens.accessToken, accountId: account.accountId };
    });
    afterAll(async () => {
      await driver.stop();
    });
    beforeEach(() => advance(CASE_GAP_MS));

    it('installs: consent → code → tokens → account id, scopes and API host; a refresh gives a working token', async () => {
      const before = Date.now();
      const { tokens, account } = await install();
      const expected = driver.expectedAccount();
      expect(account.accountId).toBe(expected.accountId);
      expect([...account.scopes].sort()).toEqual([...expected.scopes].sort());
      expect(account.apiBaseUrl ?? app.apiBaseUrl).toBe(expected.apiBaseUrl);
      // expiresAt is on Sway's clock (it compares it with its own time): later than the request.
      expect(tokens.expiresAt.getTime()).toBeGreaterThan(before);

      const refreshed = await connector.oauth.refresh(app, tokens.refreshToken);
      expect(refreshed.accessToken).not.toBe(tokens.accessToken);
      const [id] = driver.seedContacts(['install-check@example.com']);
      const read = await connector.readContacts({ ...session, accessToken: refreshed.accessToken }, [id!]);
      expect(read.map((c) => [c.id, c.email])).toEqual([[id, 'install-check@example.com']]);
    });

    it('provisions idempotently: a second run creates nothing and finds everything the first made', async () => {
      const first = await connector.provision(session);
      expect(first.created.length + first.existing.length).toBeGreaterThan(0);
      const second = await connector.provision(session);
      expect(second.created).toEqual([]);
      expect(second.groupCreated).toBe(false);
      expect([...second.existing].sort()).toEqual([...first.created, ...first.existing].sort());
    });

    it('backfills: a full read pages through every contact once', async () => {
      const emails = Array.from({ length: 7 }, (_, i) => `backfill-${i}@example.com`);
      const ids = driver.seedContacts(emails);
      const { contacts, pages } = await listAll(connector, session, 3);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(pages.every((n) => n <= 3)).toBe(true);
      expect(new Set(contacts.map((c) => c.id)).size).toBe(contacts.length);
      const byId = new Map(contacts.map((c) => [c.id, c.email]));
      expect(ids.map((id) => byId.get(id))).toEqual(emails);
    });

    it('pulls incrementally: a modified window returns exactly the records changed in it, oldest first', async () => {
      const [a, b, c] = driver.seedContacts(['window-a@example.com', 'window-b@example.com', 'window-c@example.com']);
      advance(60_000);
      const from = new Date(time);
      driver.touchContact(c!); // changed first, though created last: order is by modification
      advance(1_000);
      driver.touchContact(a!);
      const to = new Date(time);
      advance(60_000);
      driver.touchContact(b!); // after the window
      advance(1_000);

      const found: CrmContact[] = [];
      let after: string | undefined;
      do {
        const page = await connector.searchContacts(session, { modifiedFrom: from, modifiedTo: to, after });
        expect(page.total).toBe(2);
        found.push(...page.results);
        after = page.nextAfter;
      } while (after);
      expect(found.map((x) => x.id)).toEqual([c, a]);
      expect(found.map((x) => x.modifiedAt?.getTime())).toEqual([from.getTime(), to.getTime()]);
    });

    it('writes a batch: refused records come back in `failed` with a reason, the rest are written', async () => {
      const ids = driver.seedContacts(['write-a@example.com', 'write-b@example.com', 'write-c@example.com']);
      const refused = ids[1]!;
      driver.makeContactRefuseWrites(refused);
      const records = ids.map((id, i) => ({ id, properties: connector.vendorProperties('contact', { influenceScore: 40 + i, matchReason: `contract ${i}` }) }));
      const names = Object.keys(records[0]!.properties);
      expect(names.length).toBe(2);

      const out = await connector.writeBatch(session, 'contact', records);
      expect([...out.written].sort()).toEqual([ids[0], ids[2]].sort());
      expect(out.failed.map((f) => f.recordId)).toEqual([refused]);
      expect(out.failed[0]!.message.length).toBeGreaterThan(0);

      const back = await connector.readContacts(session, [ids[0]!, ids[2]!], { extraProperties: names });
      const values = new Map(back.map((c) => [c.id, c.properties]));
      expect(values.get(ids[0]!)).toEqual(records[0]!.properties);
      expect(values.get(ids[2]!)).toEqual(records[2]!.properties);
    });

    const undeclared = CRM_OBJECTS.filter((o) => !connector.objects[o]?.writeBatchMax);
    it.skipIf(undeclared.length === 0)('refuses an object it does not write with UNSUPPORTED, before any request', async () => {
      const before = driver.dataRequestCount();
      for (const object of undeclared) {
        const error = await rejection(connector.writeBatch(session, object, [{ id: '1', properties: { name: 'x' } }]));
        expect(error.code).toBe('UNSUPPORTED');
        expect(() => connector.vendorProperties(object, { influenceScore: 1 })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
      }
      expect(driver.dataRequestCount()).toBe(before);
    });

    it('honours a 429: the hooks see it, the connector throws RATE_LIMITED with the vendor’s Retry-After, without retrying', async () => {
      const [id] = driver.seedContacts(['limited@example.com']);
      const seen: number[] = [];
      const hooks: RequestHooks = {
        beforeRequest: async () => {},
        afterResponse: async (_kind, status) => {
          seen.push(status);
        },
      };
      const { retryAfterMs } = driver.inject429();
      try {
        const error = await rejection(connector.readContacts({ ...session, hooks }, [id!]));
        expect(error.code).toBe('RATE_LIMITED');
        expect(error.retryAfterMs).toBe(retryAfterMs);
      } finally {
        driver.clearFaults();
      }
      expect(seen).toEqual([429]);
      expect(await connector.readContacts({ ...session, hooks }, [id!])).toHaveLength(1);
      expect(seen).toEqual([429, 200]);
    });

    describe('an expired access token', () => {
      let store: Store;
      let redis: Redis;
      const prefix = `sway-contract-${randomBytes(6).toString('hex')}`;
      beforeAll(async () => {
        const schema = `t_contract_${randomBytes(6).toString('hex')}`;
        store = await openStore({ store: TEST_DATABASE_URL ? { kind: 'pg', url: TEST_DATABASE_URL, schema } : { kind: 'pglite', dir: 'memory://', schema } });
        redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
      });
      afterAll(async () => {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
        await store.close();
        if (store.kind === 'pg') await dropSchema(TEST_DATABASE_URL!, store.schema);
      });

      it('is AUTH_EXPIRED at the connector; through withSession it costs exactly one refresh, then the call succeeds', async () => {
        const { tokens, account } = await install();
        const [id] = driver.seedContacts(['expired@example.com']);
        driver.expireAccessTokens();
        const error = await rejection(connector.readContacts({ ...session, accessToken: tokens.accessToken }, [id!]));
        expect(error.code).toBe('AUTH_EXPIRED');
        expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(tokens.accessToken);

        const encryptionKey = randomBytes(32);
        const { installation } = await saveInstallation(store.db, encryptionKey, connector.id, account, tokens);
        const deps: AccessDeps = {
          db: store.db,
          encryptionKey,
          crms: { [connector.id]: { oauthApp: app, budget: new RateBudget(redis, prefix, budgetPolicies(connector.limits, { share: 1, burst: {} })) } },
          refreshMarginMs: 0,
          redis,
          prefix,
          // Sway's clock a minute before the stored expiry: the token does not look due, so only
          // the CRM's 401 can start the refresh (the path under test).
          now: () => tokens.expiresAt.getTime() - 60_000,
        };
        const refreshes = driver.refreshCount();
        const read = await withSession(deps, installation.id, (s) => connector.readContacts(s, [id!]));
        expect(read.map((c) => c.id)).toEqual([id]);
        expect(driver.refreshCount() - refreshes).toBe(1);
      });
    });

    describe('change notifications', () => {
      const received = (request: WebhookRequest) => {
        const receive = connector.webhooks?.receive;
        if (!receive) throw new Error(`${driver.name} has no webhooks: add its change feed to the Connector and to this case`);
        return receive(app, request);
      };
      const eventsOf = (requests: WebhookRequest[]): ChangeEvent[] =>
        requests.flatMap((r) => {
          const out = received(r);
          if (!out.ok) throw new Error(`a genuine delivery was refused: ${out.code} ${out.reason}`);
          return out.events;
        });

      it('accepts a signed delivery as neutral change events; refuses forged and stale ones with 401 and no events', async () => {
        const [id] = driver.seedContacts(['notify@example.com']);
        const requests = await driver.captureNotifications(() => driver.touchContact(id!));
        expect(requests.length).toBeGreaterThan(0);
        const events = eventsOf(requests);
        expect(events.some((e) => e.objectType === 'contact' && e.kind === 'updated' && e.objectId === id)).toBe(true);
        expect(events.every((e) => e.accountId === driver.expectedAccount().accountId)).toBe(true);

        for (const bad of [driver.forged(requests[0]!), driver.stale(requests[0]!)]) {
          const out = received(bad);
          expect(out).toMatchObject({ ok: false, status: 401 });
          expect('events' in out).toBe(false);
        }
      });

      it('reports a deletion as a `deleted` event of that record', async () => {
        const [id] = driver.seedContacts(['deleted@example.com']);
        const events = eventsOf(await driver.captureNotifications(() => driver.deleteContact(id!)));
        expect(events.filter((e) => e.kind === 'deleted').map((e) => [e.objectType, e.objectId])).toEqual([['contact', id]]);
      });

      it('reports a merge as a `merged` event naming the survivor and the merged-away records', async () => {
        const [primary, duplicate] = driver.seedContacts(['merge-primary@example.com', 'merge-duplicate@example.com']);
        let merge: MergeResult | undefined;
        const events = eventsOf(await driver.captureNotifications(() => (merge = driver.mergeContacts(primary!, duplicate!))));
        const merged = events.filter((e) => e.kind === 'merged');
        expect(merged).toHaveLength(1);
        expect(merged[0]).toMatchObject({ objectType: 'contact', survivingId: merge!.survivingId, primaryId: merge!.primaryId });
        expect([...merged[0]!.mergedIds!].sort()).toEqual([...merge!.mergedIds].sort());
      });
    });

    // Last: revoking the refresh tokens ends every installation at the sandbox.
    it('a revoked refresh token → SwayError DISCONNECTED', async () => {
      const { tokens } = await install();
      driver.revokeRefreshTokens();
      const error = await rejection(connector.oauth.refresh(app, tokens.refreshToken));
      expect(error.code).toBe('DISCONNECTED');
      // A connector never puts a token into an error (connectors/connector.ts).
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(tokens.refreshToken);
    });
  });
}
