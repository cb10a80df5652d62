/**
 * pull: brings the CRM's contacts and deals into the store, then rescores.
 * - First run: a full backfill by list paging. Later runs: incremental, by search on the
 *   last-modified time from the stored cursor minus OVERLAP_MS (search results lag writes by
 *   seconds, and a record modified at the cursor's millisecond may have been missed), in
 *   windows split to stay under the search cap. Re-reading a record is harmless (upsert).
 * - The portal's own lifecycle stage options are read each run and turned into the stage map
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
import { buildLifecycleStageMap } from '../domain/stages.ts';
import { upsertContacts } from '../store/crm-records.ts';
import { upsertDeals } from '../store/deals.ts';
import { getInstallation, updateSettings } from '../store/installations.ts';
import { getCursor, setCursor } from '../store/sync-cursors.ts';
import { sessionFor, withSession } from '../sync/access.ts';
import { pullWindow, type WindowSearch } from '../sync/pull-window.ts';
import { parseSettings, sameHandleFields } from '../sync/settings.ts';
import type { JobContext } from './context.ts';
import { enqueue, unschedulePull } from './queues.ts';
import { recordRun } from './run.ts';
import { analyzeMatchInputs, ANALYZE_AFTER_ROWS } from '../store/graph-load.ts';

/** How far before the cursor each incremental search starts. */
export const OVERLAP_MS = 5 * 60 * 1000;

const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

export async function pullJob(ctx: JobContext, installationId: string, jobId: string): Promise<void> {
  const current = await getInstallation(ctx.db, installationId);
  if (!current || current.status !== 'active') {
    // Uninstalled or revoked: stop the schedule instead of failing every interval.
    await unschedulePull(ctx.queues, installationId);
    return;
  }
  await recordRun(ctx, 'pull', installationId, jobId, async () => {
    const inst = await getInstallation(ctx.db, installationId);
    const connector = connectors[inst!.crm as CrmId];
    const call = <T>(fn: (c: Connector, s: Awaited<ReturnType<typeof sessionFor>>) => Promise<T>) =>
      withSession(ctx.access, installationId, (s) => fn(connector, s));
    const counts: Record<string, number> = { read: 0, deals: 0, windows: 0, unreachable: 0, dealsSkipped: 0 };
    const errors: { message: string }[] = [];

    // Stage map first, so the records read below are judged with this portal's stages.
    const options = await call((c, s) => c.contactStageOptions(s));
    const settings = parseSettings(inst!.settings);
    await updateSettings(ctx.db, installationId, { stageMap: buildLifecycleStageMap(options, settings.stageOverrides) });

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
      store: (page) => upsertContacts(ctx.db, installationId, page, { handleFields, attributeFields }),
      full: handleFieldsChanged,
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
      });
      counts.deals = deals.read;
      counts.windows! += deals.windows;
      counts.unreachable! += deals.unreachable;
    } catch (err) {
      if (!(err instanceof SwayError && err.code === 'FORBIDDEN')) throw err;
      counts.dealsSkipped = 1;
      errors.push({ message: 'deals not read: the installation did not grant deal scopes (reinstall to grant crm.objects.deals.read)' });
    }
    // Fresh planner statistics after a large pull (a first or full one), for the match run next.
    if (counts.read! + counts.deals! >= ANALYZE_AFTER_ROWS) await analyzeMatchInputs(ctx.db);
    return { counts, errors };
  });
  await enqueue(ctx.queues, 'score', installationId, jobId);
}

/**
 * One object type: a full list on the first pull (or when `full`), then searches from the
 * cursor minus the overlap. The cursor moves to the newest modification time read (never
 * backwards).
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
  },
): Promise<{ read: number; windows: number; unreachable: number }> {
  const cursor = await getCursor(ctx.db, installationId, objectType);
  let newest = cursor;
  const seen = (page: T[]) => {
    for (const r of page) newest = later(newest, r.modifiedAt);
  };
  let result = { read: 0, windows: 0, unreachable: 0 };
  if (!cursor || io.full) {
    for await (const page of io.list()) {
      await io.store(page, false);
      result.read += page.length;
      seen(page);
    }
    newest ??= startedAt;
  } else {
    result = await pullWindow(io.search, new Date(cursor.getTime() - OVERLAP_MS), startedAt, io.cap, async (page) => {
      await io.store(page, true);
      seen(page);
    });
  }
  await setCursor(ctx.db, installationId, objectType, newest!);
  return result;
}
