-- Matches carry no foreign keys (a full recompute COPYs millions of rows; see schema.ts). The
-- statement triggers of 0005 now also delete the matches of deleted people (as prospect or as
-- influencer) and of deleted installations, so privacy deletion leaves no match behind.
CREATE OR REPLACE FUNCTION sway_delete_interactions_of_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM interactions i USING gone g WHERE i.from_person_id = g.id;
  DELETE FROM interactions i USING gone g WHERE i.to_person_id = g.id;
  DELETE FROM matches m USING gone g WHERE m.person_id = g.id;
  DELETE FROM matches m USING gone g WHERE m.influencer_id = g.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION sway_delete_interactions_of_installations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM interactions i USING gone g WHERE i.installation_id = g.id;
  DELETE FROM matches m USING gone g WHERE m.installation_id = g.id;
  RETURN NULL;
END $$;
