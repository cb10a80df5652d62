/**
 * The demo's campaign: five influencers, every contact in the segment, half held out, run the
 * way an admin would (POST /api/v1/campaigns, /start, /measure). The outcome is planted: the
 * sandbox CRM gets won deals for a CONTROL_RATE share of control contacts and CONTROL_RATE +
 * PLANTED_LIFT of treated ones, the pull reads them over HTTP like any deal, and the measure
 * job reports the lift with its interval — which should cover the planted lift.
 */
import type { HubSpotSandbox } from '../../connectors/hubspot/sandbox/index.ts';
import { DEFAULT_SEARCH_LAG_MS } from '../../connectors/hubspot/sandbox/types.ts';
import { mulberry32 } from '../domain/prng.ts';
import { enqueue, pendingJobs, type Queues } from '../jobs/queues.ts';
import type { CampaignReport } from '../outcomes/report.ts';
import { reportLines } from '../outcomes/report-text.ts';
import { campaignMembersOf } from '../store/campaigns.ts';
import type { Db } from '../store/db.ts';
import { waitForIdle } from './demo-steps.ts';
import type { DemoMarket } from './synthetic.ts';

export const CONTROL_RATE = 0.1;
export const PLANTED_LIFT = 0.15;

export interface CampaignDemoResult {
  campaignTreated: number;
  campaignControl: number;
  campaignLift: number;
  campaignLiftCi: [number, number];
  campaignPlantedLift: number;
}

interface Deps {
  url: string;
  apiKey: string;
  db: Db;
  queues: Queues;
  sandbox: HubSpotSandbox;
  installationId: string;
  market: DemoMarket;
  say: (line: string) => void;
}

async function call<T>(d: Deps, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${d.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${d.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path} failed (HTTP ${res.status}): ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as T;
}

export async function runCampaignDemo(d: Deps): Promise<{ result: CampaignDemoResult; lines: string[] }> {
  const influencers = d.market.people.filter((p) => p.id.startsWith('influencer-')).slice(0, 5).map((p) => p.id);
  // The readout is a moment away so the demo reads the final, fixed-horizon result.
  const readoutAt = new Date(Date.now() + 1000).toISOString();
  const created = await call<{ id: string; name: string }>(d, 'POST', '/api/v1/campaigns', {
    name: 'Demo: creators on decision-stage topics',
    influencers,
    holdoutShare: 0.5,
    attributionWindowDays: 30,
    readoutAt,
    cost: 20_000,
  });
  const started = await call<{ members: { treatment: number; control: number } }>(d, 'POST', `/api/v1/campaigns/${created.id}/start`);
  d.say(`• campaign ${created.id} started: ${started.members.treatment} treated, ${started.members.control} held out; planting won deals (control ${100 * CONTROL_RATE}%, treated +${100 * PLANTED_LIFT} points)…`);

  const rnd = mulberry32(7);
  const closedate = new Date().toISOString();
  const planted = { treatment: 0, control: 0 };
  for (const m of await campaignMembersOf(d.db, created.id)) {
    const rate = m.arm === 'treatment' ? CONTROL_RATE + PLANTED_LIFT : CONTROL_RATE;
    const wins = rnd() < rate;
    const amount = Math.round(2000 + rnd() * 18_000);
    if (!wins) continue;
    planted[m.arm] += 1;
    d.sandbox.createDeal({ dealname: `Demo deal ${m.contactId}`, amount: String(amount), dealstage: 'closedwon', pipeline: 'default', closedate }, [m.contactId]);
  }
  d.say(`  planted ${planted.treatment} won deals among the treated, ${planted.control} among the held out`);
  // The deals come in like any CRM change: the next pull reads them, once the CRM's search
  // index has them (the sandbox lags like HubSpot's).
  await new Promise((r) => setTimeout(r, DEFAULT_SEARCH_LAG_MS + 250));
  await enqueue(d.queues, 'pull', d.installationId, `campaign-demo-${created.id}`);
  await waitForIdle(d.queues, pendingJobs, (n) => d.say(`  … ${n} job(s) pending`));
  const wait = Date.parse(readoutAt) - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  await call(d, 'POST', `/api/v1/campaigns/${created.id}/measure`);
  await waitForIdle(d.queues, pendingJobs, (n) => d.say(`  … ${n} job(s) pending`));
  const { report } = await call<{ report: CampaignReport }>(d, 'GET', `/api/v1/campaigns/${created.id}/report`);
  const o = report.overall;
  // What the push wrote back (src/jobs/campaign-writeback.ts): one converted treated member's fields and its deal's.
  const shown = d.sandbox.listContacts().find((c) => c.properties.sway_campaign_arm === 'treatment' && c.properties.sway_campaign_converted === 'true');
  const writeback = shown
    ? [
        `  written back to contact ${shown.id}: sway_campaign=${shown.properties.sway_campaign}, sway_campaign_arm=${shown.properties.sway_campaign_arm}, sway_campaign_converted=${shown.properties.sway_campaign_converted}`,
        ...d.sandbox.listDeals().filter((x) => x.properties.dealname === `Demo deal ${shown.id}`).map((x) => `  and to its deal ${x.id}: sway_influencing_campaign=${x.properties.sway_influencing_campaign ?? ''} (attribution to the treated arm, not lift)`),
      ]
    : ['  no converted treated contact to show'];
  const lift = o.analysis?.absoluteLift;
  return {
    result: {
      campaignTreated: o.treatment.units,
      campaignControl: o.control.units,
      campaignLift: lift?.estimate ?? Number.NaN,
      campaignLiftCi: lift?.ci ?? [Number.NaN, Number.NaN],
      campaignPlantedLift: PLANTED_LIFT,
    },
    lines: [...reportLines(created.name, report), ...writeback],
  };
}
