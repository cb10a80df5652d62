/** Daily CRM request and error counts per installation: the marketplace success-rate figure. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { requestStatsDaily } from './schema.ts';

export async function countRequest(db: Db, installationId: string, status: number, at = new Date()): Promise<void> {
  const day = at.toISOString().slice(0, 10);
  const error = status >= 400 ? 1 : 0;
  const limited = status === 429 ? 1 : 0;
  await db
    .insert(requestStatsDaily)
    .values({ installationId, day, requests: 1, errors: error, rateLimited: limited })
    .onConflictDoUpdate({
      target: [requestStatsDaily.installationId, requestStatsDaily.day],
      set: {
        requests: sql`${requestStatsDaily.requests} + 1`,
        errors: sql`${requestStatsDaily.errors} + ${error}`,
        rateLimited: sql`${requestStatsDaily.rateLimited} + ${limited}`,
      },
    });
}

export async function dailyStats(db: Db, installationId: string, days = 30) {
  const rows = await db
    .select()
    .from(requestStatsDaily)
    .where(and(eq(requestStatsDaily.installationId, installationId)))
    .orderBy(desc(requestStatsDaily.day))
    .limit(days);
  return rows.map((r) => ({
    day: r.day,
    requests: r.requests,
    errors: r.errors,
    rateLimited: r.rateLimited,
    successRate: r.requests > 0 ? Math.round(((r.requests - r.errors) / r.requests) * 10000) / 10000 : null,
  }));
}
