import { describe, expect, it } from 'vitest';
import type { SearchPage } from '../../connectors/connector.ts';
import { pullWindow } from '../../src/sync/pull-window.ts';

/** A capped search over records with given modified times, like HubSpot's (cap, page size 200). */
function fakeIndex(times: number[], cap: number, pageSize = 200) {
  const queries: { from: number; to: number; after?: string }[] = [];
  const search = async (q: { modifiedFrom: Date; modifiedTo: Date; after?: string }): Promise<SearchPage<number>> => {
    queries.push({ from: q.modifiedFrom.getTime(), to: q.modifiedTo.getTime(), after: q.after });
    const hits = times.filter((t) => t >= q.modifiedFrom.getTime() && t <= q.modifiedTo.getTime()).sort((a, b) => a - b);
    const offset = Number(q.after ?? 0);
    if (offset >= cap) throw new Error('beyond the cap');
    const results = hits.slice(offset, Math.min(offset + pageSize, cap));
    const next = offset + pageSize < Math.min(hits.length, cap) ? String(offset + pageSize) : undefined;
    return { total: hits.length, results, nextAfter: next };
  };
  return { search, queries };
}

describe('pullWindow', () => {
  it('reads a small window in pages without splitting', async () => {
    const times = Array.from({ length: 450 }, (_, i) => 1000 + i);
    const { search, queries } = fakeIndex(times, 10_000);
    const seen: number[] = [];
    const r = await pullWindow(search, new Date(0), new Date(5000), 10_000, async (p) => void seen.push(...p));
    expect(r).toEqual({ read: 450, windows: 1, unreachable: 0 });
    expect(seen).toEqual(times);
    expect(queries).toHaveLength(3);
  });

  it('splits windows over the cap so every record is read exactly once', async () => {
    const times = Array.from({ length: 25_000 }, (_, i) => Math.floor(i * 0.37));
    const { search, queries } = fakeIndex(times, 10_000);
    const seen: number[] = [];
    const r = await pullWindow(search, new Date(0), new Date(10_000), 10_000, async (p) => void seen.push(...p));
    expect(r.read).toBe(25_000);
    expect(seen.sort((a, b) => a - b)).toEqual([...times].sort((a, b) => a - b));
    expect(r.windows).toBeGreaterThan(1);
    expect(queries.every((q) => Number(q.after ?? 0) < 10_000)).toBe(true);
  });

  it('reports records it cannot reach (over the cap within one millisecond) instead of hiding them', async () => {
    const times = Array.from({ length: 10_050 }, () => 42);
    const { search } = fakeIndex(times, 10_000);
    const r = await pullWindow(search, new Date(42), new Date(42), 10_000, async () => {});
    expect(r).toMatchObject({ read: 10_000, unreachable: 50 });
  });
});
