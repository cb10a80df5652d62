/** The demo's HTTP steps, done the way an admin's browser and a customer's script would. */
import type { Queues } from '../jobs/queues.ts';
import type { DemoMarket } from './synthetic.ts';

export interface InstallResult {
  installationId: string;
  portalId: string;
  apiKey: string;
}

/** Follows the install redirects by hand (as a browser would) and reads the callback's JSON. */
export async function installViaOAuth(swayUrl: string): Promise<InstallResult> {
  const start = await fetch(`${swayUrl}/oauth/hubspot/install`, { redirect: 'manual' });
  const consent = start.headers.get('location');
  if (start.status !== 302 || !consent) throw new Error(`install did not redirect (HTTP ${start.status})`);
  const approved = await fetch(consent, { redirect: 'manual' });
  const callback = approved.headers.get('location');
  if (approved.status !== 302 || !callback) throw new Error(`HubSpot consent did not redirect back (HTTP ${approved.status})`);
  // As a browser would: the callback carries the cookie /install set (it binds the state to this client).
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const done = await fetch(callback, { headers: { accept: 'application/json', cookie } });
  if (done.status !== 201) throw new Error(`install callback failed (HTTP ${done.status}): ${await done.text()}`);
  return (await done.json()) as InstallResult;
}

export interface IngestTotals {
  peopleUpserted: number;
  interactionsStored: number;
  interactionsDuplicate: number;
}

/** People first (interactions must name known people), then interactions in API-sized batches. */
export async function postSignals(swayUrl: string, apiKey: string, market: DemoMarket, batchSize = 5000): Promise<IngestTotals> {
  const totals: IngestTotals = { peopleUpserted: 0, interactionsStored: 0, interactionsDuplicate: 0 };
  const batches = [
    ...chunk(market.people, batchSize).map((people) => ({ people })),
    ...chunk(market.interactions, batchSize).map((interactions) => ({ interactions })),
  ];
  for (const body of batches) {
    const res = await fetch(`${swayUrl}/api/v1/signals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 202) throw new Error(`ingest failed (HTTP ${res.status}): ${(await res.text()).slice(0, 500)}`);
    const r = (await res.json()) as IngestTotals;
    totals.peopleUpserted += r.peopleUpserted;
    totals.interactionsStored += r.interactionsStored;
    totals.interactionsDuplicate += r.interactionsDuplicate;
  }
  return totals;
}

function chunk<T>(xs: T[], n: number): T[][] {
  return Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
}

/** Waits until no job is waiting, active or delayed (a chain enqueues its next step before finishing). */
export async function waitForIdle(
  queues: Queues,
  pending: (q: Queues) => Promise<number>,
  progress: (n: number) => void,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastReport = 0;
  for (;;) {
    const n = await pending(queues);
    if (n === 0) return;
    if (Date.now() > deadline) throw new Error(`jobs still pending after ${timeoutMs / 1000} s`);
    if (Date.now() - lastReport > 2000) {
      progress(n);
      lastReport = Date.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
