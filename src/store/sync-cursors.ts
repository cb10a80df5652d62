/** Incremental pull cursors: the newest CRM modification time Sway has read, per object type. */
import { and, eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { syncCursors } from './schema.ts';

export async function getCursor(db: Db, installationId: string, objectType: string): Promise<Date | null> {
  const [row] = await db
    .select({ cursor: syncCursors.cursor })
    .from(syncCursors)
    .where(and(eq(syncCursors.installationId, installationId), eq(syncCursors.objectType, objectType)));
  return row?.cursor ?? null;
}

export async function setCursor(db: Db, installationId: string, objectType: string, cursor: Date): Promise<void> {
  await db
    .insert(syncCursors)
    .values({ installationId, objectType, cursor, updatedAt: new Date() })
    .onConflictDoUpdate({ target: [syncCursors.installationId, syncCursors.objectType], set: { cursor, updatedAt: new Date() } });
}
