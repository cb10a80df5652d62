CREATE TABLE "match_snapshots" (
	"installation_id" uuid PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"data" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "matches" (
	"installation_id" uuid NOT NULL,
	"person_id" bigint NOT NULL,
	"rank" integer NOT NULL,
	"influencer_id" bigint NOT NULL,
	"stage" text NOT NULL,
	"score" real NOT NULL,
	"component_values" real[] NOT NULL,
	"component_contributions" real[] NOT NULL,
	"reason" text NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "matches_installation_id_person_id_rank_pk" PRIMARY KEY("installation_id","person_id","rank")
);
--> statement-breakpoint
ALTER TABLE "crm_records" ADD COLUMN "industry" text;--> statement-breakpoint
ALTER TABLE "crm_records" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "crm_records" ADD COLUMN "company_size" text;--> statement-breakpoint
ALTER TABLE "interactions" ADD COLUMN "ingested_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "industry" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "region" text;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "company_size" text;--> statement-breakpoint
ALTER TABLE "match_snapshots" ADD CONSTRAINT "match_snapshots_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "matches_influencer" ON "matches" USING btree ("influencer_id");