-- Interactions carry no foreign keys (per-row FK checks slowed bulk ingest 3×, see schema.ts).
-- These statement-level triggers keep the cascade: deleting people or an installation deletes
-- their interactions, in one set-based DELETE per statement instead of a check per row.
CREATE OR REPLACE FUNCTION sway_delete_interactions_of_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM interactions i USING gone g WHERE i.from_person_id = g.id;
  DELETE FROM interactions i USING gone g WHERE i.to_person_id = g.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER people_delete_interactions AFTER DELETE ON people
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION sway_delete_interactions_of_people();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sway_delete_interactions_of_installations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM interactions i USING gone g WHERE i.installation_id = g.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER installations_delete_interactions AFTER DELETE ON installations
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION sway_delete_interactions_of_installations();
