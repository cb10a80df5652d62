ALTER TABLE "interactions" DROP CONSTRAINT "interactions_installation_id_installations_id_fk";
--> statement-breakpoint
ALTER TABLE "interactions" DROP CONSTRAINT "interactions_from_person_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "interactions" DROP CONSTRAINT "interactions_to_person_id_people_id_fk";
