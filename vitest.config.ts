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
    // Vitest's default leaves a core idle; on the 2-core CI machine two files at once cut the
    // run by a third (PGlite 303 → 205 s, PostgreSQL 201 → 132 s) and the suite stays green.
    maxWorkers: 2,
  },
});
