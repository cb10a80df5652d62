/**
 * pull: brings the CRM's contacts and deals into the store, then rescores when something changed.
 * - First run: a full backfill by list paging. Later runs: incremental, by search on the
 *   last-modified time from the stored cursor minus OVERLAP_MS, in windows split to stay under
 *   the search cap. The cursor is when the previous pull started (its search's upper end), not
 *   the newest modification it read: search results lag writes by seconds, so records modified
 *   in the last moments before a pull may only show up in the next one, which the overlap
 *   covers; and a portal where nothing changes is then searched over an empty window — no
 *   record is read again and again (issue 10, item 7). The overlap also absorbs clock skew
 *   between Sway and the CRM (up to OVERLAP_MS minus the index lag).
 * - A record the search returns at the modification time already stored is a re-read (counted
 *   `reread`, not stored again). A record with a new modification time but nothing Sway reads
 *   changed — Sway's own writes bump the CRM's last-modified time — is stored without counting as
 *   `changed`, so it triggers no rescoring (src/store/crm-records.ts upsertContacts).
 * - Scoring (score → match → push) is queued only when the pull changed something (or read
 *   deals, or the handle fields changed), or when no score run finished within
 *   RESCORE_AFTER_MS (time-based figures like conversations in the last 30 days move on their
 *   own): a steady portal costs one search per object type and no writes.
 * - The account's own stage options are read each run and turned into the stage map
 *   the push uses (custom stages exist).
 * - Deals: closed-won is decided per pipeline from its stages' metadata. A portal that did
 *   not grant deal scopes is pulled without deals (noted in the run), not failed.
 * - Contacts are read with the handle fields the admin named (settings.handleFields), stored
 *   as normalised handles for linking. When those settings changed since the last contact
 *   pull, contacts are read in full again (`handleFieldsChanged` in the run): records not
 *   modified since would otherwise keep handles read under the old settings.
 */
import type { Connector, CrmDeal } from '../../connectors/connector.ts';
import { connectors, type CrmId } from '../../connectors/index.ts';
import { SwayError } from '../domain/errors.ts';
import { buildStageMap } from '../domain/stages.ts';
import { storedVersions, upsertContacts } from '../store/crm-records.ts';
import { upsertDeals } from '../store/deals.ts';
import { getInstallation, updateSettings } from '../store/installations.ts';
import { listRunsPage } from '../store/runs.ts';
import { getCursor, setCursor } from '../store/sync-cursors.ts';
import { sessionFor, withSession } from '../sync/access.ts';
import { pullWindow, type WindowSearch } from '../sync/pull-window.ts';
import { parseSettings, sameHandleFields } from '../sync/settings.ts';
import type { JobContext } from './context.ts';
import { queueCampaignMeasures, queueNextStage } from './pipeline.ts';
import { listCampaigns } from '../store/campaigns.ts';
import { unschedulePull } from './queues.ts';
import { recordRun } from './run.ts';
import { analyzeMatchInputs, ANALYZE_AFTER_ROWS } from '../store/graph-load.ts';

/** How far before the cursor each incremental search starts. */
export const OVERLAP_MS = 5 * 60 * 1000;
/** With nothing changed, pulls still queue scoring when the last score run is older than this. */
export const RESCORE_AFTER_MS = 24 * 60 * 60 * 1000;

const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

export interface PullOptions {
  /** How far before the cursor the search starts (tests shorten it to see a quiet window at once). */
  overlapMs?: number;
}

export function pullJob(ctx: JobContext, installationId: string, jobId: string): Promise<void> {
  return pullOnce(ctx, installationId, jobId);
}

/** pullJob with options (tests). */
export async function pullOnce(ctx: JobContext, installationId: string, jobId: string, options: PullOptions = {}): Promise<void> {
  const overlapMs = options.overlapMs ?? OVERLAP_MS;
  const current = await getInstallation(ctx.db, installationId);
  if (!current || current.status !== 'active') {
    // Uninstalled or revoked: stop the schedule instead of failing every interval.
    await unschedulePull(ctx.queues, installationId);
    return;
  }
  const run = await recordRun(ctx, 'pull', installationId, jobId, async () => {
    const inst = await getInstallation(ctx.db, installationId);
    const connector = connectors[inst!.crm as CrmId];
    const call = <T>(fn: (c: Connector, s: Awaited<ReturnType<typeof sessionFor>>) => Promise<T>) =>
      withSession(ctx.access, installationId, (s) => fn(connector, s));
    const counts: Record<string, number> = { read: 0, changed: 0, reread: 0, deals: 0, windows: 0, unreachable: 0, dealsSkipped: 0 };
    const errors: { message: string }[] = [];

    // Stage map first, so the records read below are judged with this portal's stages.
    const options = await call((c, s) => c.stages.options(s));
    const settings = parseSettings(inst!.settings, connector.settingsDefaults);
    await updateSettings(ctx.db, installationId, { stageMap: buildStageMap(options, connector.stages.defaults, settings.stageOverrides) });

    // Contacts, with the handle fields the admin named.
    const startedAt = new Date();
    const { handleFields } = settings;
    const { attributeFields } = settings.matching;
    const extraProperties = [...new Set([...Object.values(handleFields).filter((p): p is string => !!p), ...Object.values(attributeFields)])];
    const handleFieldsChanged = !sameHandleFields(handleFields, settings.handleFieldsPulled);
    const contacts = await pullObject(ctx, installationId, 'contact', startedAt, {
      list: async function* () {
        yield* connector.listContacts(await sessionFor(ctx.access, installationId), { extraProperties });
      },
      search: (q) => call((c, s) => c.searchContacts(s, q, { extraProperties })),
      cap: connector.searchResultCap,
      store: async (page, fromSearch) => {
        let fresh = page;
        if (fromSearch) {
          const stored = await storedVersions(ctx.db, installationId, 'contact', page.map((c) => c.id));
          fresh = page.filter((c) => !c.modifiedAt || stored.get(c.id) !== c.modifiedAt.getTime());
          counts.reread! += page.length - fresh.length;
        }
        counts.changed! += (await upsertContacts(ctx.db, installationId, fresh, { handleFields, attributeFields })).changed;
      },
      full: handleFieldsChanged,
      overlapMs,
    });
    if (handleFieldsChanged) {
      counts.handleFieldsChanged = 1;
      await updateSettings(ctx.db, installationId, { handleFieldsPulled: handleFields });
    }
    counts.read = contacts.read;
    counts.windows! += contacts.windows;
    counts.unreachable! += contacts.unreachable;

    // Deals.
    try {
      const pipelines = await call((c, s) => c.dealPipelines(s));
      const won = new Map(pipelines.map((p) => [p.id, new Set(p.wonStageIds)]));
      const isWon = (d: CrmDeal) => !!d.stage && !!won.get(d.pipeline ?? 'default')?.has(d.stage);
      const deals = await pullObject(ctx, installationId, 'deal', startedAt, {
        list: async function* () {
          yield* connector.listDeals(await sessionFor(ctx.access, installationId));
        },
        search: (q) => call((c, s) => c.searchDeals(s, q)),
        cap: connector.searchResultCap,
        // Search results carry no associations: fetch them for the page.
        store: async (page, fromSearch) => {
          const withContacts = fromSearch ? await call((c, s) => c.dealContacts(s, page.map((d) => d.id))) : null;
          await upsertDeals(ctx.db, installationId, withContacts ? page.map((d) => ({ ...d, contactIds: withContacts.get(d.id) ?? [] })) : page, isWon);
        },
        overlapMs,
      });
      counts.deals = deals.read;
      counts.windows! += deals.windows;
      counts.unreachable! += deals.unreachable;
    } catch (err) {
      if (!(err instanceof SwayError && err.code === 'FORBIDDEN')) throw err;
      counts.dealsSkipped = 1;
      errors.push({ message: 'deals not read: the installation did not grant deal scopes (reinstall to grant crm.objects.deals.read)' });
    }
    counts.scoreQueued = counts.changed! > 0 || counts.deals! > 0 || handleFieldsChanged || (await scoreIsStale(ctx, installationId)) ? 1 : 0;
    // Fresh planner statistics after a large pull (a first or full one), for the match run next.
    if (counts.read! + counts.deals! >= ANALYZE_AFTER_ROWS) await analyzeMatchInputs(ctx.db);
    return { counts, errors };
  });
  await queueNextStage(ctx.queues, 'pull', installationId, jobId, Boolean(run.counts.scoreQueued));
  // Deals or stages changed: running campaigns' conversions may have too.
  const running = (await listCampaigns(ctx.db, installationId)).filter((c) => c.status === 'running').map((c) => c.id);
  await queueCampaignMeasures(ctx.queues, 'pull', installationId, jobId, running, (run.counts.changed ?? 0) > 0 || (run.counts.deals ?? 0) > 0);
}

async function scoreIsStale(ctx: JobContext, installationId: string): Promise<boolean> {
  const [last] = await listRunsPage(ctx.db, installationId, { kind: 'score', limit: 1 });
  return !last || Date.now() - last.startedAt.getTime() > RESCORE_AFTER_MS;
}

/**
 * One object type: a full list on the first pull (or when `full`), then searches from the
 * cursor minus the overlap up to `startedAt`. The cursor becomes `startedAt` (never backwards):
 * everything modified before it minus the index lag has been read.
 */
async function pullObject<T extends { modifiedAt: Date | null }>(
  ctx: JobContext,
  installationId: string,
  objectType: string,
  startedAt: Date,
  io: {
    list: () => AsyncIterable<T[]>;
    search: WindowSearch<T>;
    cap: number;
    store: (page: T[], fromSearch: boolean) => Promise<void>;
    full?: boolean;
    overlapMs: number;
  },
): Promise<{ read: number; windows: number; unreachable: number }> {
  const cursor = await getCursor(ctx.db, installationId, objectType);
  let result = { read: 0, windows: 0, unreachable: 0 };
  if (!cursor || io.full) {
    for await (const page of io.list()) {
      await io.store(page, false);
      result.read += page.length;
    }
  } else {
    result = await pullWindow(io.search, new Date(cursor.getTime() - io.overlapMs), startedAt, io.cap, (page) => io.store(page, true));
  }
  await setCursor(ctx.db, installationId, objectType, later(cursor, startedAt)!);
  return result;
}
