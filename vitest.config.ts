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
  testTimeout: 30_000,
  hookTimeout: 30_000,
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
