// Webhook delivery as HubSpot does it for an app's subscriptions: events are batched (≤ 100 per
// POST), the body is a JSON array, every request is signed (v1 and v3 headers), and a delivery
// that times out or gets a 5xx/429 is retried with the same eventIds and attemptNumber + 1;
// other 4xx answers are final. Timers are unref'd so a forgotten sandbox never holds a process.
import { createHash, createHmac } from 'node:crypto';
import type { WebhookConfig, WebhookDelivery } from './types.ts';

export const ALL_SUBSCRIPTION_TYPES = [
  'contact.creation', 'contact.deletion', 'contact.propertyChange', 'contact.merge', 'contact.privacyDeletion', 'contact.restore',
  'deal.creation', 'deal.deletion', 'deal.propertyChange',
];

const MAX_EVENTS_PER_REQUEST = 100;
// Subscription ids are per app in HubSpot; any stable number per subscription will do.
const SUBSCRIPTION_ID_BASE = 3_100_001;

export type ChangeSource = 'CRM_UI' | 'INTEGRATION';

export interface WebhookEventInput {
  subscriptionType: string;
  objectId: string;
  changeSource: ChangeSource;
  propertyName?: string;
  propertyValue?: string;
  changeFlag?: string;
  sourceId?: string;
  /** Type-specific fields, e.g. the merge fields primaryObjectId, mergedObjectIds, newObjectId. */
  extra?: Record<string, unknown>;
}

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  [field: string]: unknown;
}

interface Resolved extends Required<Omit<WebhookConfig, 'subscriptions'>> {
  subscriptions: string[];
}

// HubSpot's request-validation guide: these percent-escapes are decoded in the URI before signing.
const SIGNED_URI_DECODES: Record<string, string> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

/** The v3 signature: base64(HMAC-SHA256(secret, method + uri + body + timestamp)). */
export function signatureV3(secret: string, method: string, uri: string, body: string, timestamp: number): string {
  const signedUri = uri.replace(/%[0-9A-Fa-f]{2}/g, (e) => SIGNED_URI_DECODES[e.toUpperCase()] ?? e);
  return createHmac('sha256', secret).update(`${method}${signedUri}${body}${timestamp}`).digest('base64');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private config: Resolved | undefined;
  private pending: WebhookEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private nextEventId = 1_000_000_001;

  constructor(private readonly app: { portalId: number; appId: number; clientSecret: string; now: () => number }) {}

  configure(config: WebhookConfig): void {
    new URL(config.targetUrl); // throws on a malformed URL now rather than at delivery time
    this.config = {
      targetUrl: config.targetUrl,
      subscriptions: config.subscriptions ?? ALL_SUBSCRIPTION_TYPES,
      maxRetries: config.maxRetries ?? 3,
      retryDelayMs: config.retryDelayMs ?? 200,
      batchWindowMs: config.batchWindowMs ?? 20,
      timeoutMs: config.timeoutMs ?? 5000,
    };
  }

  /** The subscription an event falls under: 'type' or 'type:propertyName'; undefined = not subscribed. */
  private subscriptionId(input: WebhookEventInput): number | undefined {
    const subs = this.config?.subscriptions ?? [];
    const index = subs.findIndex((s) => s === input.subscriptionType || s === `${input.subscriptionType}:${input.propertyName}`);
    return index < 0 ? undefined : SUBSCRIPTION_ID_BASE + index;
  }

  emit(input: WebhookEventInput): void {
    if (!this.config) return;
    const subscriptionId = this.subscriptionId(input);
    if (subscriptionId === undefined) return;
    // Field order as in HubSpot's documented payloads (appId last); JSON readers do not care.
    const event: WebhookEvent = {
      eventId: this.nextEventId++,
      subscriptionId,
      portalId: this.app.portalId,
      occurredAt: this.app.now(),
      subscriptionType: input.subscriptionType,
      attemptNumber: 0,
      objectId: Number(input.objectId),
    };
    if (input.propertyName !== undefined) event.propertyName = input.propertyName;
    if (input.propertyValue !== undefined) event.propertyValue = input.propertyValue;
    event.changeSource = input.changeSource;
    if (input.changeFlag !== undefined) event.changeFlag = input.changeFlag;
    if (input.sourceId !== undefined) event.sourceId = input.sourceId;
    Object.assign(event, input.extra);
    event.appId = this.app.appId;
    this.pending.push(event);
    this.timer ??= setTimeout(() => this.dispatch(), this.config.batchWindowMs).unref();
  }

  /** Sends everything pending now, in requests of at most 100 events. */
  private dispatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const config = this.config;
    if (!config) return;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_EVENTS_PER_REQUEST);
      const delivery = this.deliver(config, batch).finally(() => this.inFlight.delete(delivery));
      this.inFlight.add(delivery);
    }
  }

  private async deliver(config: Resolved, events: WebhookEvent[]): Promise<void> {
    for (let attempt = 0; attempt <= config.maxRetries; attempt++) {
      const status = await this.post(config, events.map((e) => ({ ...e, attemptNumber: attempt })));
      this.deliveries.push({ at: this.app.now(), status, events: events.length, attempt });
      const retryable = status === 0 || status === 429 || status >= 500;
      if (!retryable || attempt === config.maxRetries) return;
      await sleep(config.retryDelayMs * (attempt + 1));
    }
  }

  /** One signed POST; resolves to the HTTP status, or 0 for a timeout or network error. */
  private async post(config: Resolved, events: WebhookEvent[]): Promise<number> {
    const body = JSON.stringify(events);
    const timestamp = this.app.now();
    const secret = this.app.clientSecret;
    try {
      const res = await fetch(config.targetUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-HubSpot-Signature': createHash('sha256').update(secret + body).digest('hex'),
          'X-HubSpot-Signature-Version': 'v1',
          'X-HubSpot-Signature-v3': signatureV3(secret, 'POST', config.targetUrl, body, timestamp),
          'X-HubSpot-Request-Timestamp': String(timestamp),
        },
        body,
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined); // drain so the connection can be reused
      return res.status;
    } catch {
      return 0;
    }
  }

  /** Resolves once everything queued so far is delivered or given up (retries included). */
  async flush(): Promise<void> {
    this.dispatch();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Drops pending events and the batch timer (sandbox stop); in-flight deliveries finish. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
