/**
 * The chaos run's end state, judged against the store: does every contact in the sandbox hold
 * exactly the values the store says it should (computed by the push job's own code), does
 * every prospect with interactions have matches, is any job stuck or failed.
 */
import { sql } from 'drizzle-orm';
import type { HubSpotSandbox } from '../connectors/hubspot/sandbox/index.ts';
import { hubspot } from '../connectors/hubspot/index.ts';
import { contactValues } from '../src/jobs/push.ts';
import type { Queues } from '../src/jobs/queues.ts';
import { linkedScoredContacts } from '../src/store/crm-records.ts';
import type { Db } from '../src/store/db.ts';
import { getInstallation } from '../src/store/installations.ts';
import { bestMatches } from '../src/store/matches.ts';
import { parseSettings } from '../src/sync/settings.ts';
import { withDefaultStages } from '../src/domain/stages.ts';

export interface ValueCheck {
  contacts: number;
  /** Contacts lacking a value the store says they should hold. */
  missing: number;
  /** Contacts holding a value other than the store's. */
  wrong: number;
  examples: { crmId: string; property: string; want: string; got: string | null }[];
}

const asTime = (v: string) => (/^\d+$/.test(v) ? Number(v) : /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : Number.NaN);

/** HubSpot stores datetimes as ISO strings whatever form was sent; '' and null are both "no value". */
function same(want: string, got: string | null | undefined): boolean {
  if ((want ?? '') === (got ?? '')) return true;
  if (!got) return false;
  const a = asTime(want);
  return Number.isFinite(a) && a === asTime(got);
}

export async function checkValues(db: Db, installationId: string, sandbox: HubSpotSandbox): Promise<ValueCheck> {
  const inst = await getInstallation(db, installationId);
  const stageMap = withDefaultStages(parseSettings(inst!.settings, hubspot.settingsDefaults).stageMap, hubspot.stages.defaults);
  const [contacts, best] = await Promise.all([linkedScoredContacts(db, installationId), bestMatches(db, installationId)]);
  const out: ValueCheck = { contacts: contacts.length, missing: 0, wrong: 0, examples: [] };
  for (const c of contacts) {
    const want = hubspot.vendorProperties('contact', contactValues(c, stageMap, best.get(c.personId)));
    const got = sandbox.getContact(c.crmId)?.properties ?? {};
    let missing = false;
    let wrong = false;
    for (const [property, value] of Object.entries(want)) {
      if (same(value, got[property])) continue;
      if (!got[property]) missing = true;
      else wrong = true;
      if (out.examples.length < 5) out.examples.push({ crmId: c.crmId, property, want: value, got: got[property] ?? null });
    }
    if (missing) out.missing++;
    else if (wrong) out.wrong++;
  }
  return out;
}

/** Linked prospects who interact with someone (so have candidates) but hold no match. */
export async function prospectsWithoutMatches(db: Db, installationId: string): Promise<number> {
  const r = await db.execute<{ n: string | number }>(sql`
    SELECT count(DISTINCT l.person_id) AS n FROM person_links l
    WHERE l.installation_id = ${installationId} AND l.object_type = 'contact'
      AND EXISTS (SELECT 1 FROM interactions i WHERE i.installation_id = l.installation_id AND (i.from_person_id = l.person_id OR i.to_person_id = l.person_id))
      AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.installation_id = l.installation_id AND m.person_id = l.person_id)`);
  return Number(((r as unknown as { rows: { n: string | number }[] }).rows ?? [])[0]?.n ?? 0);
}

/** Jobs not finished, failed, or still running once the run is over (a scheduler's next run excluded). */
export async function stuckJobs(queues: Queues): Promise<{ total: number; byState: Record<string, number>; failed: string[] }> {
  const byState: Record<string, number> = {};
  const failed: string[] = [];
  for (const q of Object.values(queues)) {
    for (const j of await q.getFailed(0, 4)) failed.push(`${j.id}: ${j.failedReason}`.slice(0, 300));
    const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children', 'failed');
    for (const [k, v] of Object.entries(c)) byState[k] = (byState[k] ?? 0) + (v ?? 0);
    const delayed = (await q.getDelayed()).filter((j) => !j.id?.startsWith('repeat:')).length;
    byState.delayed = (byState.delayed ?? 0) + delayed;
  }
  return { total: Object.values(byState).reduce((a, b) => a + b, 0), byState, failed };
}
