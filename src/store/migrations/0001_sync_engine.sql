CREATE TABLE "crm_deals" (
	"installation_id" uuid NOT NULL,
	"crm_id" text NOT NULL,
	"pipeline" text,
	"stage" text,
	"amount" double precision,
	"close_date" timestamp with time zone,
	"closed_won" boolean DEFAULT false NOT NULL,
	"contact_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"crm_modified_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crm_deals_installation_id_crm_id_pk" PRIMARY KEY("installation_id","crm_id")
);
--> statement-breakpoint
CREATE TABLE "pushed_values" (
	"installation_id" uuid NOT NULL,
	"object_type" text NOT NULL,
	"crm_id" text NOT NULL,
	"values" jsonb NOT NULL,
	"pushed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pushed_values_installation_id_object_type_crm_id_pk" PRIMARY KEY("installation_id","object_type","crm_id")
);
--> statement-breakpoint
CREATE TABLE "request_stats_daily" (
	"installation_id" uuid NOT NULL,
	"day" date NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"rate_limited" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "request_stats_daily_installation_id_day_pk" PRIMARY KEY("installation_id","day")
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"installation_id" uuid NOT NULL,
	"object_type" text NOT NULL,
	"cursor" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_installation_id_object_type_pk" PRIMARY KEY("installation_id","object_type")
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"installation_id" uuid NOT NULL,
	"subscription_type" text NOT NULL,
	"object_id" text NOT NULL,
	"property_name" text,
	"property_value" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "crm_records" ADD COLUMN "crm_modified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "installations" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "crm_deals" ADD CONSTRAINT "crm_deals_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pushed_values" ADD CONSTRAINT "pushed_values_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request_stats_daily" ADD CONSTRAINT "request_stats_daily_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_installation_id_installations_id_fk" FOREIGN KEY ("installation_id") REFERENCES "installations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_events_pending" ON "webhook_events" USING btree ("installation_id","processed_at");