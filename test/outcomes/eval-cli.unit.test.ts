/**
 * `npm run eval:outcomes` as a user runs it: --json ends with one JSON line carrying the issue's
 * keys; bad options exit non-zero with a one-line reason. The child is killed in finally.
 */
import { spawn } from 'node:child_process';
import { describe, it } from 'vitest';

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'eval/outcomes.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((r) => child.on('exit', (code) => r({ code, stdout, stderr })));
  return done.finally(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
}

describe.concurrent('eval:outcomes CLI', () => {
  it('ends with one JSON line of the figures', async ({ expect }) => {
    const r = await run(['--sims', '40', '--seed', '3', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const last = JSON.parse(lines.at(-1)!);
    expect(last.sims).toBe(40);
    for (const k of ['intervalCoverage', 'sequentialFalsePositiveRate', 'srmDetectionRate']) {
      expect(last[k]).toBeGreaterThanOrEqual(0);
      expect(last[k]).toBeLessThanOrEqual(1);
    }
    expect(lines.slice(0, -1).some((l) => l.startsWith('{'))).toBe(false);
  });

  it('refuses a bad --sims with a one-line reason', async ({ expect }) => {
    const r = await run(['--sims', 'many']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/^sway: --sims must be/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
