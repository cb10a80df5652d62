import { defineConfig } from 'vitest/config';

/**
 * Tests that measure time windows against a rate limit (the HubSpot sandbox's 100 requests /
 * 10 s, the push engine's pacing under faults). They run as a group of their own (groupOrder:
 * the two groups never overlap), one file at a time: on the 2-core CI machine a second test
 * file beside them starved the contention test in one run out of three.
 */
const TIMING = ['test/sync/**/*.test.ts', 'test/connectors/**/*.test.ts', 'test/jobs/push*.test.ts'];

const shared = {
  setupFiles: ['test/setup-network.ts'],
  // Safety nets for a test that hangs, not measures: on a busy 2-core machine `sway serve` took
  // 25 s to start, harness setups (sandbox + runtime + OAuth install) over 30 s, and a test that
  // runs a dozen `sway` children 300 s (load average 25). Tests wait for conditions
  // (test/helpers/wait.ts), so load makes them slower, never failed. A test file sets no
  // shorter limit of its own (a 60 s beforeAll failed at load 25); only a longer one.
  testTimeout: 600_000,
  hookTimeout: 600_000,
  // Integration tests share one Redis and one PostgreSQL; each test uses its own queue
  // prefix and schema, so files may run in parallel.
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      // The timing-sensitive files, alone and one at a time.
      { test: { ...shared, name: 'timing', include: TIMING, maxWorkers: 1, sequence: { groupOrder: 0 } } },
      // Everything else, two files at once: PGlite 288 → 190 s, PostgreSQL 173 → 122 s on 2 cores.
      { test: { ...shared, name: 'suite', include: ['test/**/*.test.ts'], exclude: TIMING, maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
