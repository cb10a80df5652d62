CREATE TABLE "conversations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"person_id" bigint NOT NULL,
	"network" text,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"sentiment" real,
	"sentiment_source" text DEFAULT 'given' NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_aliases" (
	"installation_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"person_id" bigint NOT NULL,
	"merged_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_aliases_installation_id_external_id_pk" PRIMARY KEY("installation_id","external_id")
);
--> statement-breakpoint
ALTER TABLE "crm_records" ADD COLUMN "handles" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_aliases" ADD CONSTRAINT "person_aliases_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_aliases" ADD CONSTRAINT "person_aliases_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_installation_external" ON "conversations" USING btree ("installation_id","external_id");--> statement-breakpoint
CREATE INDEX "conversations_person" ON "conversations" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_aliases_person" ON "person_aliases" USING btree ("person_id");