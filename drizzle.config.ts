import { defineConfig } from 'drizzle-kit';

// Only used to generate SQL migrations (`npm run db:generate`); they run at start on PG and PGlite.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema.ts',
  out: './src/store/migrations',
});
