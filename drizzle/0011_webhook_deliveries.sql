CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"body_hash" text NOT NULL,
	"body" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"split_at" timestamp with time zone,
	"changes" integer,
	CONSTRAINT "webhook_deliveries_body_hash_unique" UNIQUE("body_hash")
);
--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "kept_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_unsplit_idx" ON "webhook_deliveries" USING btree ("id") WHERE "webhook_deliveries"."split_at" is null;--> statement-breakpoint
CREATE INDEX "webhook_events_field_idx" ON "webhook_events" USING btree ("field","received_at","id");