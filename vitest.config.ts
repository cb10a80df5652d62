import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup-network.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests share one Redis and one PostgreSQL; each test uses its own queue
    // prefix and schema, so files may run in parallel.
    pool: 'forks',
    // Vitest's default runs one file at a time on 2 cores. Two at once cut the run by a third
    // but starved the timing-sensitive rate-limit tests (push-faults) in one CI run out of three.
  },
});
