/**
 * Reads every record modified in a time window through a capped search (pure control flow,
 * connector-neutral). When a window holds more than the cap (`Connector.searchResultCap`), it is halved
 * by time until each part fits; pages within a part are read oldest first.
 */
import type { SearchPage } from '../../connectors/connector.ts';

export type WindowSearch<T> = (q: { modifiedFrom: Date; modifiedTo: Date; after?: string }) => Promise<SearchPage<T>>;

export interface WindowResult {
  read: number;
  /** Windows searched (1 when nothing had to be split). */
  windows: number;
  /** Records past the cap in a single millisecond (cannot be split by time); reported, not hidden. */
  unreachable: number;
}

export async function pullWindow<T>(
  search: WindowSearch<T>,
  from: Date,
  to: Date,
  cap: number,
  onPage: (records: T[]) => Promise<void>,
): Promise<WindowResult> {
  const result: WindowResult = { read: 0, windows: 0, unreachable: 0 };
  const walk = async (start: number, end: number): Promise<void> => {
    result.windows++;
    let page = await search({ modifiedFrom: new Date(start), modifiedTo: new Date(end) });
    if (page.total > cap && end > start) {
      const mid = start + Math.floor((end - start) / 2);
      await walk(start, mid);
      await walk(mid + 1, end); // BETWEEN includes both ends: no overlap, no gap
      return;
    }
    if (page.total > cap) result.unreachable += page.total - cap;
    for (;;) {
      await onPage(page.results);
      result.read += page.results.length;
      if (!page.nextAfter || Number(page.nextAfter) >= cap) break;
      page = await search({ modifiedFrom: new Date(start), modifiedTo: new Date(end), after: page.nextAfter });
    }
  };
  await walk(from.getTime(), to.getTime());
  return result;
}
