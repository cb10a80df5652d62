import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { waitUntil } from './wait.ts';

/**
 * Sway as a child process (bin/sway.js), for tests of the CLI. Every child started here is
 * tracked until it exits: `stopAllSway()` (call it in afterAll) kills whatever a failed test
 * left running, so a failing test never leaves `sway serve` processes behind.
 */

const running = new Set<ChildProcess>();
// Last resort when the test worker itself ends (interrupted run, worker torn down): no orphans.
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Minimal environment for a child: PATH/HOME plus the test's values; logs silent unless asked. */
function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent', ...env };
}

/** The settings `sway serve` needs, with a fresh queue prefix and key; in-memory store unless overridden. */
export function serveEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    PGLITE_DIR: 'memory://',
    QUEUE_PREFIX: `sway-test-${randomBytes(4).toString('hex')}`,
    SWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    HUBSPOT_CLIENT_ID: 'id',
    HUBSPOT_CLIENT_SECRET: 'secret',
    ...extra,
  };
}

export interface SwayProcess {
  child: ChildProcess;
  pid: number;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Polls until the output matches `pattern` (or the process exits, which fails). */
  waitForOutput(pattern: RegExp, what: string): Promise<RegExpMatchArray>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `sway …` and returns at once; the caller waits for readiness with waitForOutput or waitUntil. */
export function startSway(args: string[], env: Record<string, string>): SwayProcess {
  const child = spawn(process.execPath, ['bin/sway.js', ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  let done = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      done = true;
      running.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    async waitForOutput(pattern, what) {
      await waitUntil(() => pattern.test(out) || done, what);
      const m = pattern.exec(out);
      if (!m) throw new Error(`sway ${args.join(' ')} exited before ${what}; output:\n${out}`);
      return m;
    },
    async stop(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

/** Waits for `sway serve`'s "sway is serving" log line (needs LOG_LEVEL=info) and returns the URL it listens on. */
export async function servingUrl(p: SwayProcess): Promise<string> {
  const [, url] = await p.waitForOutput(/"url":"(http:\/\/[^"]+)"[^\n]*sway is serving/, 'sway serve to listen');
  return url!;
}

/** Kills every child still running (SIGKILL) and waits for them to go: for afterAll/finally. */
export async function stopAllSway(): Promise<void> {
  const left = [...running];
  for (const c of left) c.kill('SIGKILL');
  await Promise.all(left.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
}

/**
 * Runs `sway …` to completion with a minimal environment plus `env`, and collects its exit
 * code and output. The child is tracked like startSway's, so stopAllSway ends it if the test
 * gives up first.
 */
export async function runSway(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/sway.js', ...args], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  running.delete(child);
  return { code, stdout, stderr };
}
