/**
 * An exclusive, process-wide lock on an embedded (PGlite) store directory.
 *
 * PGlite has no cross-process locking: a second process that opens the same directory sees a
 * snapshot, writes into its own copy of the pages, and the first process's next checkpoint
 * overwrites them — `sway import` beside a running `sway serve` reported rows that were then
 * lost (issue 10, item 9). So every PGlite directory is opened under this lock.
 *
 * The lock is a file beside the directory (`<dir>.lock`; inside it, it would make PGlite's
 * initdb see a non-empty data directory) holding the owner's pid, command and process start
 * time. It is created atomically with link(2) from a fully written temporary file, so a
 * reader never sees a half-written lock. Written here rather than taken from proper-lockfile
 * because that library detects a dead owner by the lock's mtime going stale: it must keep
 * touching the file on a timer (a busy machine that delays the timer past `stale` lets a
 * second process in while the first still runs), it makes the next start wait out the stale
 * period after a crash, and it does not record who holds the lock — which the refusal must
 * say. Here a dead owner is detected by its pid (kill(pid, 0)) and, on Linux, by the pid's
 * start time, so a pid reused after a crash or a container restart is not mistaken for the
 * owner. Released on close, on process exit, and implicitly by dying.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserFacingError } from '../domain/errors.ts';

export interface LockOwner {
  pid: number;
  /** e.g. "sway serve"; shown to whoever is refused. */
  command: string;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22). */
  startTicks?: string;
  since: string;
}

export class DirLockedError extends UserFacingError {
  override name = 'DirLockedError';
  constructor(readonly dir: string, readonly owner: LockOwner) {
    super(
      'STORE_LOCKED',
      owner.pid === process.pid
        ? `the embedded store in ${dir} is already open in this process`
        : owner.pid === -1
          ? `the embedded store in ${dir} has a lock file that cannot be read (${owner.command}); remove it if no Sway process uses the store`
          : `the embedded store in ${dir} is in use by process ${owner.pid} (${owner.command}, since ${owner.since}); ` +
            'stop that process first (the embedded store allows one process), or set DATABASE_URL to share a PostgreSQL store',
    );
  }
}

/** Locks held by this process: path → token, released on exit if still held. */
const held = new Map<string, string>();
let exitHookInstalled = false;

function startTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: count after it.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function commandLine(): string {
  const [, script, ...args] = process.argv;
  const name = script && /sway(\.js)?$/.test(script) ? 'sway' : basename(script ?? process.argv0);
  return [name, ...args].join(' ').slice(0, 200);
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: a live process of another user.
  }
  if (owner.startTicks === undefined) return true;
  const now = startTicks(owner.pid);
  return now === undefined || now === owner.startTicks;
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
    if (!Number.isInteger(owner?.pid) || owner.pid <= 0) throw new Error('not a Sway lock');
    return owner;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Unreadable or not ours: treat as held by an unknown process rather than delete it.
    return { pid: -1, command: lockPath, since: 'unknown' };
  }
}

/** The live process holding `dir`'s lock, or null (free, or held by a process that died). */
export function lockOwner(dir: string): LockOwner | null {
  const lockPath = `${realpathSync(dir)}.lock`;
  const owner = readOwner(lockPath);
  if (!owner) return null;
  if (owner.pid === process.pid) return held.has(lockPath) ? owner : null;
  return owner.pid === -1 || isAlive(owner) ? owner : null;
}

/**
 * Takes the lock on `dir` (which must exist) or throws DirLockedError naming the owner.
 * Returns the release function (idempotent).
 */
export function lockDir(dir: string): () => void {
  const real = realpathSync(dir);
  const lockPath = `${real}.lock`;
  const token = randomBytes(8).toString('hex');
  const me: LockOwner & { token: string } = { pid: process.pid, command: commandLine(), startTicks: startTicks(process.pid), since: new Date().toISOString(), token };
  const tmp = `${lockPath}.${process.pid}.${token}`;
  writeFileSync(tmp, JSON.stringify(me), { mode: 0o644 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, lockPath);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = readOwner(lockPath);
      if (!owner) continue; // released between link and read: try again
      const stale = owner.pid !== -1 && (owner.pid === process.pid ? !held.has(lockPath) : !isAlive(owner));
      if (!stale || attempt >= 3) throw new DirLockedError(dir, owner);
      removeIfUnchanged(lockPath, owner);
    }
  } finally {
    unlinkSync(tmp);
  }
  held.set(lockPath, token);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const [path, t] of held) release(path, t);
    });
  }
  return () => release(lockPath, token);
}

/**
 * Removes a stale lock only if it is still the one judged stale: it is moved aside first
 * (atomic), and put back if another process replaced it in the meantime.
 */
function removeIfUnchanged(lockPath: string, stale: LockOwner): void {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // already gone
  }
  const moved = readOwner(aside);
  if (moved && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      linkSync(aside, lockPath); // a fresh owner's lock: restore it
    } catch {
      /* someone holds it anew; the next attempt reads them */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already removed */
  }
}

function release(lockPath: string, token: string): void {
  if (held.get(lockPath) !== token) return;
  held.delete(lockPath);
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as { token?: string };
    if (owner.token === token) unlinkSync(lockPath);
  } catch {
    /* gone already */
  }
}
