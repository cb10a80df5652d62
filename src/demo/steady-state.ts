/**
 * `demo --steady-minutes N`: after the demo, the portal is left alone for N minutes while the
 * scheduled pull runs every STEADY_PULL_INTERVAL_MS, and what those cycles cost HubSpot is
 * counted from the sandbox's request log: CRM write calls (anything but reads, searches and
 * OAuth) and contacts read, split into changed ones, re-reads of a version already stored,
 * and new versions with nothing Sway reads changed (Sway's own last writes, seen once). Pulls
 * search from the previous pull's start minus OVERLAP_MS (src/jobs/pull.ts), so contacts
 * modified in the minutes before the window are re-read (not stored, not rescored) until that
 * overlap has passed; after it a quiet portal costs one search and no read per cycle.
 * Issue 10's done-when: a steady state with nothing new makes 0 writes.
 */
import type { HubSpotSandbox, RecordedRequest } from '../../connectors/hubspot/sandbox/index.ts';
import { OVERLAP_MS } from '../jobs/pull.ts';
import { schedulePull, unschedulePull } from '../jobs/queues.ts';
import type { Queues } from '../jobs/queues.ts';
import type { Db } from '../store/db.ts';
import { listRuns } from '../store/runs.ts';

export const STEADY_PULL_INTERVAL_MS = 30_000;

export interface SteadyStateResult {
  steadyMinutes: number;
  steadyPullCycles: number;
  steadyWriteCalls: number;
  steadyContactsRead: number;
  steadyContactsChanged: number;
  steadyContactsReread: number;
  steadyScoreRuns: number;
  /** Contacts read by pulls whose search window began after Sway's last CRM write (the previous pull started more than the overlap after it). */
  steadyReadAfterOverlap: number;
}

/** A request that changes something in HubSpot (reads, searches and OAuth excluded). */
export function isCrmWrite(r: RecordedRequest): boolean {
  if (!r.path.startsWith('/crm/') || r.method === 'GET') return false;
  return !/\/(search|batch\/read)$/.test(r.path);
}

export async function runSteadyState(
  deps: { db: Db; queues: Queues; sandbox: HubSpotSandbox; installationId: string; say: (msg: string) => void },
  minutes: number,
): Promise<SteadyStateResult> {
  const { db, queues, sandbox, installationId, say } = deps;
  const since = new Date();
  const firstRequest = sandbox.requests.length;
  const lastWriteAt = Math.max(0, ...sandbox.requests.filter(isCrmWrite).map((r) => r.at));
  await schedulePull(queues, installationId, STEADY_PULL_INTERVAL_MS);
  say(`• steady state: nothing new for ${minutes} min, a pull every ${STEADY_PULL_INTERVAL_MS / 1000} s…`);
  const end = Date.now() + minutes * 60_000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(30_000, end - Date.now())));
    const writes = sandbox.requests.slice(firstRequest).filter(isCrmWrite).length;
    say(`  … ${Math.round((minutes * 60_000 - (end - Date.now())) / 1000)} s: ${writes} write call(s)`);
  }
  // Stop the schedule, and let a cycle in flight finish before counting.
  await unschedulePull(queues, installationId);
  for (let i = 0; i < 600 && (await queues.pull.getActiveCount()) + (await queues.score.getActiveCount()) + (await queues.match.getActiveCount()) + (await queues.push.getActiveCount()) > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const runs = await listRuns(db, installationId);
  const inWindow = runs.filter((r) => r.startedAt >= since).reverse();
  const pulls = inWindow.filter((r) => r.kind === 'pull');
  const sum = (key: string) => pulls.reduce((n, r) => n + Number(r.counts[key] ?? 0), 0);
  for (const [i, p] of pulls.entries()) {
    say(`  pull ${i + 1}: read ${p.counts.read ?? 0} (changed ${p.counts.changed ?? 0}, re-read ${p.counts.reread ?? 0}), scoring queued: ${p.counts.scoreQueued ? 'yes' : 'no'}`);
  }
  const writeCalls = sandbox.requests.slice(firstRequest).filter(isCrmWrite);
  return {
    steadyMinutes: minutes,
    steadyPullCycles: pulls.length,
    steadyWriteCalls: writeCalls.length,
    steadyContactsRead: sum('read'),
    steadyContactsChanged: sum('changed'),
    steadyContactsReread: sum('reread'),
    steadyScoreRuns: inWindow.filter((r) => r.kind === 'score').length,
    steadyReadAfterOverlap: pulls
      .filter((_, i) => i > 0 && pulls[i - 1]!.startedAt.getTime() >= lastWriteAt + OVERLAP_MS)
      .reduce((n, r) => n + Number(r.counts.read ?? 0), 0),
  };
}

export function printSteadyState(s: SteadyStateResult): void {
  const ownWrites = s.steadyContactsRead - s.steadyContactsChanged - s.steadyContactsReread;
  process.stdout.write(
    `Steady state (${s.steadyMinutes} min, ${s.steadyPullCycles} pull cycles, nothing new)\n` +
      `  CRM write calls       ${s.steadyWriteCalls}\n` +
      `  contacts read         ${s.steadyContactsRead} (changed ${s.steadyContactsChanged}, re-read ${s.steadyContactsReread}, Sway's own last writes seen once ${ownWrites})\n` +
      `  score runs            ${s.steadyScoreRuns}\n` +
      `  contacts read by pulls whose window began after Sway's last write (${OVERLAP_MS / 60_000}-min overlap passed): ${s.steadyReadAfterOverlap}\n\n`,
  );
}
