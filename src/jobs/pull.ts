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
import { pullWindow } from '../sync/pull-window.ts';
import { parseSettings } from '../sync/settings.ts';
import type { JobContext } from './context.ts';
import { enqueue, unschedulePull } from './queues.ts';
import { recordRun } from './run.ts';

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

    // Contacts.
    const startedAt = new Date();
    let newest = await getCursor(ctx.db, installationId, 'contact');
    if (!newest) {
      for await (const page of connector.listContacts(await sessionFor(ctx.access, installationId))) {
        await upsertContacts(ctx.db, installationId, page);
        counts.read! += page.length;
        for (const c of page) newest = later(newest, c.modifiedAt);
      }
      newest ??= startedAt;
    } else {
      const from = new Date(newest.getTime() - OVERLAP_MS);
      const r = await pullWindow((q) => call((c, s) => c.searchContacts(s, q)), from, startedAt, connector.searchResultCap, async (page) => {
        await upsertContacts(ctx.db, installationId, page);
        for (const c of page) newest = later(newest, c.modifiedAt);
      });
      counts.read! += r.read;
      counts.windows! += r.windows;
      counts.unreachable! += r.unreachable;
    }
    await setCursor(ctx.db, installationId, 'contact', newest!);

    // Deals.
    try {
      const pipelines = await call((c, s) => c.dealPipelines(s));
      const won = new Map(pipelines.map((p) => [p.id, new Set(p.wonStageIds)]));
      const isWon = (d: CrmDeal) => !!d.stage && !!won.get(d.pipeline ?? 'default')?.has(d.stage);
      let dealCursor = await getCursor(ctx.db, installationId, 'deal');
      if (!dealCursor) {
        for await (const page of connector.listDeals(await sessionFor(ctx.access, installationId))) {
          await upsertDeals(ctx.db, installationId, page, isWon);
          counts.deals! += page.length;
          for (const d of page) dealCursor = later(dealCursor, d.modifiedAt);
        }
        dealCursor ??= startedAt;
      } else {
        const from = new Date(dealCursor.getTime() - OVERLAP_MS);
        const r = await pullWindow((q) => call((c, s) => c.searchDeals(s, q)), from, startedAt, connector.searchResultCap, async (page) => {
          const contacts = await call((c, s) => c.dealContacts(s, page.map((d) => d.id)));
          await upsertDeals(ctx.db, installationId, page.map((d) => ({ ...d, contactIds: contacts.get(d.id) ?? [] })), isWon);
          for (const d of page) dealCursor = later(dealCursor, d.modifiedAt);
        });
        counts.deals! += r.read;
        counts.windows! += r.windows;
        counts.unreachable! += r.unreachable;
      }
      await setCursor(ctx.db, installationId, 'deal', dealCursor!);
    } catch (err) {
      if (!(err instanceof SwayError && err.code === 'FORBIDDEN')) throw err;
      counts.dealsSkipped = 1;
      errors.push({ message: 'deals not read: the installation did not grant deal scopes (reinstall to grant crm.objects.deals.read)' });
    }
    return { counts, errors };
  });
  await enqueue(ctx.queues, 'score', installationId, jobId);
}
