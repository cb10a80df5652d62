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
  },
});
