CREATE TABLE "campaign_effects" (
	"campaign_id" uuid NOT NULL,
	"installation_id" uuid NOT NULL,
	"influencer_id" bigint NOT NULL,
	"stage" text NOT NULL,
	"treatment_units" integer NOT NULL,
	"treatment_conversions" integer NOT NULL,
	"control_units" integer NOT NULL,
	"control_conversions" integer NOT NULL,
	CONSTRAINT "campaign_effects_campaign_id_influencer_id_stage_pk" PRIMARY KEY("campaign_id","influencer_id","stage")
);
--> statement-breakpoint
CREATE TABLE "campaign_influencers" (
	"campaign_id" uuid NOT NULL,
	"person_id" bigint NOT NULL,
	CONSTRAINT "campaign_influencers_campaign_id_person_id_pk" PRIMARY KEY("campaign_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "campaign_members" (
	"campaign_id" uuid NOT NULL,
	"contact_id" text NOT NULL,
	"person_id" bigint,
	"unit_key" text NOT NULL,
	"arm" text NOT NULL,
	"stage" text NOT NULL,
	"influencer_id" bigint,
	CONSTRAINT "campaign_members_campaign_id_contact_id_pk" PRIMARY KEY("campaign_id","contact_id")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"segment" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"holdout_share" double precision NOT NULL,
	"unit" text NOT NULL,
	"outcome" text NOT NULL,
	"window_days" integer NOT NULL,
	"cost" double precision,
	"readout_at" timestamp with time zone NOT NULL,
	"alpha" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"window_ends_at" timestamp with time zone,
	"read_out_at" timestamp with time zone,
	"last_report" jsonb,
	"measured_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stage_transitions" (
	"installation_id" uuid NOT NULL,
	"object_type" text NOT NULL,
	"crm_id" text NOT NULL,
	"from_stage" text,
	"to_stage" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "campaign_effects" ADD CONSTRAINT "campaign_effects_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_effects" ADD CONSTRAINT "campaign_effects_influencer_id_people_id_fk" FOREIGN KEY ("influencer_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_influencers" ADD CONSTRAINT "campaign_influencers_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_influencers" ADD CONSTRAINT "campaign_influencers_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_members" ADD CONSTRAINT "campaign_members_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_members" ADD CONSTRAINT "campaign_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_members" ADD CONSTRAINT "campaign_members_influencer_id_people_id_fk" FOREIGN KEY ("influencer_id") REFERENCES "people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_transitions" ADD CONSTRAINT "stage_transitions_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaign_effects_installation" ON "campaign_effects" USING btree ("installation_id");--> statement-breakpoint
CREATE INDEX "campaign_members_unit" ON "campaign_members" USING btree ("campaign_id","unit_key");--> statement-breakpoint
CREATE INDEX "campaigns_installation" ON "campaigns" USING btree ("installation_id","created_at");--> statement-breakpoint
CREATE INDEX "stage_transitions_record" ON "stage_transitions" USING btree ("installation_id","object_type","crm_id");