-- interactions_from covers what a match run's two-hop pass reads (to, kind, when), so those
-- out-edges come from an index-only scan instead of random heap pages: 0.6 s instead of 1.1–1.4 s
-- for ~270k edges of 27k people among 10M rows (bench:match). drizzle's index builder has no
-- INCLUDE, so schema.ts still declares the plain index on from_person_id.
DROP INDEX IF EXISTS "interactions_from";--> statement-breakpoint
CREATE INDEX "interactions_from" ON "interactions" USING btree ("from_person_id") INCLUDE ("to_person_id", "kind", "occurred_at");
