import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirLockedError, lockDir, lockOwner } from '../../src/store/dir-lock.ts';

// Across processes: test/cli-serve-lock.integration.test.ts. Here, what one process sees.
const root = realpathSync(mkdtempSync(join(tmpdir(), 'sway-dir-lock-'))); // the lock sits beside the real path
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lockDir', () => {
  it('refuses a second open in the same process, and frees the directory on release', () => {
    const dir = join(root, 'a');
    mkdirSync(dir);
    const release = lockDir(dir);
    expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(lockOwner(dir)).toMatchObject({ pid: process.pid });
    expect(() => lockDir(dir)).toThrow(DirLockedError);
    expect(() => lockDir(dir)).toThrow(/already open in this process/);
    release();
    release(); // idempotent
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect(lockOwner(dir)).toBeNull();
    lockDir(dir)();
  });

  it('a lock of this pid not held by this process is from an earlier process with the same pid (a container restart): taken over', () => {
    const dir = join(root, 'b');
    mkdirSync(dir);
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.pid, command: 'sway serve', since: '2026-01-01T00:00:00.000Z' }));
    expect(lockOwner(dir)).toBeNull();
    const release = lockDir(dir);
    expect(JSON.parse(readFileSync(`${dir}.lock`, 'utf8')).since).not.toBe('2026-01-01T00:00:00.000Z');
    release();
  });

  it('a lock file that is not Sway\'s is neither trusted nor deleted', () => {
    const dir = join(root, 'c');
    mkdirSync(dir);
    writeFileSync(`${dir}.lock`, 'garbage');
    expect(() => lockDir(dir)).toThrow(/has a lock file that cannot be read .*remove it if no Sway process uses the store/);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe('garbage');
    expect(() => lockDir(dir)).toThrow(DirLockedError);
  });
});
