import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSway, serveEnv, servingUrl, startSway, stopAllSway } from './helpers/cli.ts';

// The embedded store allows one process (src/store/dir-lock.ts): a second one used to open
// the same PGlite directory, report "loaded 2 people", and lose them (issue 10, item 9).

let tmp: string;
let dir: string;
let file: string;
const INSTALLATION = '00000000-0000-4000-8000-000000000000';
const env = () => serveEnv({ PGLITE_DIR: dir });

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sway-lock-'));
  dir = join(tmp, 'pglite');
  file = join(tmp, 'people.ndjson');
  writeFileSync(file, `${JSON.stringify({ type: 'people', id: 'ana', name: 'Ana' })}\n${JSON.stringify({ type: 'people', id: 'bo', name: 'Bo' })}\n`);
});
afterAll(async () => {
  await stopAllSway();
  rmSync(tmp, { recursive: true, force: true });
});

/** What `sway import` says when it got past opening the store: the installation is unknown. */
const NO_INSTALLATION = /^sway: no installation "0{8}-0000-4000-8000-0{12}" in the embedded store/;

describe('one process per embedded store', () => {
  it('`sway import` and a second `sway serve` beside a running `sway serve` are refused with one line naming it; free again once it stops', async () => {
    const serve = startSway(['serve'], { ...env(), LOG_LEVEL: 'info' });
    try {
      await servingUrl(serve);
      const lockFile = `${realpathSync(dir)}.lock`;
      expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: serve.pid, command: 'sway serve' });

      const refused = new RegExp(`^sway: the embedded store in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by process ${serve.pid} \\(sway serve, since [^)]+\\); stop that process first`);
      const imported = await runSway(['import', file, '--installation', INSTALLATION], env());
      expect(imported.code).toBe(1);
      expect(imported.stderr.trim().split('\n')).toHaveLength(1);
      expect(imported.stderr).toMatch(refused);
      expect(imported.stdout).not.toMatch(/loaded/);

      const second = await runSway(['serve'], env());
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split('\n')).toHaveLength(1);
      expect(second.stderr).toMatch(refused);

      expect(await serve.stop('SIGTERM')).toBe(0);
      expect(existsSync(lockFile)).toBe(false); // released on close
      const after = await runSway(['import', file, '--installation', INSTALLATION], env());
      expect(after.stderr).toMatch(NO_INSTALLATION);
      expect(after.code).toBe(2);
      expect(existsSync(lockFile)).toBe(false); // released on exit
    } finally {
      await serve.stop('SIGKILL');
    }
  });

  it('a lock left by a process that died, or whose pid now belongs to another process, does not block', async () => {
    mkdirSync(dir, { recursive: true });
    const lockFile = `${realpathSync(dir)}.lock`;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lockFile, JSON.stringify({ pid: Number(dead.stdout), command: 'sway serve', since: '2026-01-01T00:00:00.000Z' }));
    const afterDeath = await runSway(['import', file, '--installation', INSTALLATION], env());
    expect(afterDeath.stderr).toMatch(NO_INSTALLATION);
    expect(existsSync(lockFile)).toBe(false);

    // A live pid (this test's process) that started at another time than the lock says: reused.
    if (existsSync(`/proc/${process.pid}/stat`)) {
      writeFileSync(lockFile, JSON.stringify({ pid: process.pid, command: 'sway serve', startTicks: '1', since: '2026-01-01T00:00:00.000Z' }));
      const reused = await runSway(['import', file, '--installation', INSTALLATION], env());
      expect(reused.stderr).toMatch(NO_INSTALLATION);
    }

    // The same pid with its real start time is a live owner: refused.
    const stat = existsSync(`/proc/${process.pid}/stat`) ? readFileSync(`/proc/${process.pid}/stat`, 'utf8') : undefined;
    const ticks = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, command: 'vitest', startTicks: ticks, since: '2026-01-01T00:00:00.000Z' }));
    const live = await runSway(['import', file, '--installation', INSTALLATION], env());
    expect(live.code).toBe(1);
    expect(live.stderr).toMatch(new RegExp(`is in use by process ${process.pid} \\(vitest, since 2026-01-01T00:00:00.000Z\\)`));
    rmSync(lockFile);
  });
});
