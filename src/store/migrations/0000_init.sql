CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "crm_records" (
	"installation_id" uuid NOT NULL,
	"object_type" text NOT NULL,
	"crm_id" text NOT NULL,
	"email" text,
	"lifecycle_stage" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crm_records_installation_id_object_type_crm_id_pk" PRIMARY KEY("installation_id","object_type","crm_id")
);
--> statement-breakpoint
CREATE TABLE "installations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"crm" text NOT NULL,
	"account_id" text NOT NULL,
	"account_domain" text,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"access_token_sealed" text NOT NULL,
	"refresh_token_sealed" text NOT NULL,
	"access_expires_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"from_person_id" bigint NOT NULL,
	"to_person_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"sentiment" real,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"crm" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"name" text,
	"audience_size" bigint,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"provider_scores" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"metrics" jsonb,
	"scored_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "person_emails" (
	"installation_id" uuid NOT NULL,
	"email" text NOT NULL,
	"person_id" bigint NOT NULL,
	CONSTRAINT "person_emails_installation_id_email_pk" PRIMARY KEY("installation_id","email")
);
--> statement-breakpoint
CREATE TABLE "person_handles" (
	"installation_id" uuid NOT NULL,
	"network" text NOT NULL,
	"handle" text NOT NULL,
	"person_id" bigint NOT NULL,
	CONSTRAINT "person_handles_installation_id_network_handle_pk" PRIMARY KEY("installation_id","network","handle")
);
--> statement-breakpoint
CREATE TABLE "person_links" (
	"installation_id" uuid NOT NULL,
	"object_type" text NOT NULL,
	"crm_id" text NOT NULL,
	"person_id" bigint NOT NULL,
	"method" text NOT NULL,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "person_links_installation_id_object_type_crm_id_pk" PRIMARY KEY("installation_id","object_type","crm_id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"job_id" text,
	"status" text NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_records" ADD CONSTRAINT "crm_records_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_from_person_id_people_id_fk" FOREIGN KEY ("from_person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_to_person_id_people_id_fk" FOREIGN KEY ("to_person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "people" ADD CONSTRAINT "people_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_emails" ADD CONSTRAINT "person_emails_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_handles" ADD CONSTRAINT "person_handles_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_links" ADD CONSTRAINT "person_links_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_links" ADD CONSTRAINT "person_links_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "crm_records_email" ON "crm_records" USING btree ("installation_id","email");--> statement-breakpoint
CREATE UNIQUE INDEX "installations_crm_account" ON "installations" USING btree ("crm","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "interactions_installation_external" ON "interactions" USING btree ("installation_id","external_id");--> statement-breakpoint
CREATE INDEX "interactions_to" ON "interactions" USING btree ("to_person_id");--> statement-breakpoint
CREATE INDEX "interactions_from" ON "interactions" USING btree ("from_person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_installation_external" ON "people" USING btree ("installation_id","external_id");--> statement-breakpoint
CREATE INDEX "person_emails_person" ON "person_emails" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_handles_person" ON "person_handles" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_links_person" ON "person_links" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "runs_installation_started" ON "runs" USING btree ("installation_id","started_at");