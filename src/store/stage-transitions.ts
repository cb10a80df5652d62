/**
 * Contact stage changes, recorded where crm_records' stage is written (upsertContacts): the
 * store keeps only the current stage, and "reached the purchase stage inside the window"
 * needs a date. The date is the CRM's modification time of the read that showed the new
 * stage (else when Sway saw it): an upper bound on when the stage changed, as precise as
 * the pull interval. A contact seen for the first time has no transition (its stage may be
 * years old). Raw CRM values are kept; the installation's stage map reads them.
 */
import { sql } from 'drizzle-orm';
import type { CrmContact } from '../../connectors/connector.ts';
import type { Db } from './db.ts';

/** Call before the contacts are stored: compares each with the stored stage. */
export async function recordStageTransitions(db: Db, installationId: string, contacts: readonly CrmContact[], now = new Date()): Promise<void> {
  if (contacts.length === 0) return;
  for (let i = 0; i < contacts.length; i += 500) {
    const rows = contacts.slice(i, i + 500).map((c) => sql`(${c.id}, ${c.lifecycleStage}, ${(c.modifiedAt ?? now).toISOString()}::timestamptz)`);
    await db.execute(sql`
      INSERT INTO stage_transitions (installation_id, object_type, crm_id, from_stage, to_stage, at)
      SELECT r.installation_id, r.object_type, r.crm_id, r.lifecycle_stage, v.stage, v.at
      FROM (VALUES ${sql.join(rows, sql`, `)}) AS v(crm_id, stage, at)
      JOIN crm_records r ON r.installation_id = ${installationId} AND r.object_type = 'contact' AND r.crm_id = v.crm_id
      WHERE r.lifecycle_stage IS DISTINCT FROM v.stage`);
  }
}
