CREATE TABLE "attention_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"waba_id" text,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "message_daily_counts" (
	"phone_number_id" text NOT NULL,
	"day" text NOT NULL,
	"inbound" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"delivered" integer DEFAULT 0 NOT NULL,
	"read" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "message_daily_counts_phone_number_id_day_pk" PRIMARY KEY("phone_number_id","day")
);
--> statement-breakpoint
CREATE TABLE "message_statuses" (
	"message_id" text PRIMARY KEY NOT NULL,
	"phone_number_id" text NOT NULL,
	"status" text NOT NULL,
	"seen" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_templates" (
	"waba_id" text NOT NULL,
	"template_id" text NOT NULL,
	"name" text,
	"language" text,
	"status" text,
	"category" text,
	"quality_score" text,
	"reason" text,
	"event_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_templates_waba_id_template_id_pk" PRIMARY KEY("waba_id","template_id")
);
--> statement-breakpoint
CREATE TABLE "solutions" (
	"meta_solution_id" text PRIMARY KEY NOT NULL,
	"name" text,
	"status" text,
	"pending_request_status" text,
	"role" text,
	"event_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_forward_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" uuid NOT NULL,
	"forward_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status" integer,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_forwards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"field" text NOT NULL,
	"url" text NOT NULL,
	"secret_id" uuid NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_rejections" (
	"reason" text PRIMARY KEY NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_verify_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"waba_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "webhook_events_entry_idx";--> statement-breakpoint
ALTER TABLE "webhook_events" ALTER COLUMN "value" SET DATA TYPE json;--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ADD COLUMN "history_progress" integer;--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ADD COLUMN "history_declined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ADD COLUMN "contacts_synced" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ADD COLUMN "echoes_seen" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "quality_event" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "current_limit" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "requested_verified_name" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "name_rejection_reason" text;--> statement-breakpoint
ALTER TABLE "wabas" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "wabas" ADD COLUMN "ban_state" text;--> statement-breakpoint
ALTER TABLE "wabas" ADD COLUMN "violation_type" text;--> statement-breakpoint
ALTER TABLE "wabas" ADD COLUMN "restrictions" jsonb;--> statement-breakpoint
ALTER TABLE "wabas" ADD COLUMN "flags" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "wabas" ADD COLUMN "disconnected_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "waba_id" text;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_forward_deliveries" ADD CONSTRAINT "webhook_forward_deliveries_event_id_webhook_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."webhook_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_forward_deliveries" ADD CONSTRAINT "webhook_forward_deliveries_forward_id_webhook_forwards_id_fk" FOREIGN KEY ("forward_id") REFERENCES "public"."webhook_forwards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_forwards" ADD CONSTRAINT "webhook_forwards_secret_id_vault_secrets_id_fk" FOREIGN KEY ("secret_id") REFERENCES "public"."vault_secrets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attention_items_open_idx" ON "attention_items" USING btree ("resolved_at","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_forward_deliveries_key" ON "webhook_forward_deliveries" USING btree ("event_id","forward_id");--> statement-breakpoint
CREATE INDEX "webhook_forward_deliveries_pending_idx" ON "webhook_forward_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_events_waba_idx" ON "webhook_events" USING btree ("waba_id","received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_pending_idx" ON "webhook_events" USING btree ("received_at") WHERE "webhook_events"."status" in ('received', 'failed');