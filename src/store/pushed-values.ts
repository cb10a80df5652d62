/**
 * What Sway last wrote (or tried to write) to each CRM record of any neutral object
 * (src/domain/objects.ts): the basis of delta pushes. Rows are keyed by installation, object and
 * CRM id, so contacts and deals with the same id never mix.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { CrmObject } from '../domain/objects.ts';
import type { Db } from './db.ts';
import { pushedValues } from './schema.ts';

export async function pushedFor(db: Db, installationId: string, objectType: CrmObject, crmIds: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (let i = 0; i < crmIds.length; i += 5000) {
    const rows = await db
      .select({ crmId: pushedValues.crmId, values: pushedValues.values })
      .from(pushedValues)
      .where(and(eq(pushedValues.installationId, installationId), eq(pushedValues.objectType, objectType), inArray(pushedValues.crmId, crmIds.slice(i, i + 5000))));
    for (const r of rows) out.set(r.crmId, r.values);
  }
  return out;
}

/**
 * Merges the values just written (or refused, with the reason) into each record's row, in one
 * statement. Refused values are remembered too, so the same bad value is not re-sent on every
 * push; a changed value is.
 */
export async function recordPushed(
  db: Db,
  installationId: string,
  objectType: CrmObject,
  rows: { crmId: string; values: Record<string, string>; error?: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  const now = new Date();
  await db
    .insert(pushedValues)
    .values(rows.map((r) => ({ installationId, objectType, crmId: r.crmId, values: r.values, lastError: r.error ?? null, pushedAt: now })))
    .onConflictDoUpdate({
      target: [pushedValues.installationId, pushedValues.objectType, pushedValues.crmId],
      set: { values: sql`${pushedValues.values} || excluded.values`, lastError: sql`excluded.last_error`, pushedAt: now },
    });
}

/** Records that hold Sway's values (last write accepted). */
export async function countPushedRecords(db: Db, installationId: string, objectType: CrmObject): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(pushedValues)
    .where(and(eq(pushedValues.installationId, installationId), eq(pushedValues.objectType, objectType), sql`${pushedValues.lastError} IS NULL`));
  return Number(row?.n ?? 0);
}

/** CRM ids of one object that hold (or were sent) any value of Sway's: what a clear must reach. */
export async function pushedIds(db: Db, installationId: string, objectType: CrmObject): Promise<string[]> {
  const rows = await db
    .select({ crmId: pushedValues.crmId })
    .from(pushedValues)
    .where(and(eq(pushedValues.installationId, installationId), eq(pushedValues.objectType, objectType)));
  return rows.map((r) => r.crmId);
}
