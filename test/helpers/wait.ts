/**
 * Readiness by condition, not by elapsed time: polls `condition` until it holds. The overall
 * limit is only a safety net for a condition that never comes (a hung child), set far above
 * what a loaded 2-core machine needs (`sway serve` took ~8 s to start there, 25 s beside
 * other suites), so that load slows a test down but never fails it; below the test timeout
 * (vitest.config.ts), so a condition that never comes is reported by name.
 */
export const READY_LIMIT_MS = 480_000;

export async function waitUntil(condition: () => boolean | Promise<boolean>, what: string, limitMs = READY_LIMIT_MS): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls `url` until it answers (any HTTP status); returns that response. */
export async function waitForHttp(url: string, what: string): Promise<Response> {
  let res: Response | undefined;
  await waitUntil(async () => {
    res = await fetch(url).catch(() => undefined);
    return res !== undefined;
  }, what);
  return res!;
}
