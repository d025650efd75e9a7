ALTER TABLE "webhook_forwards" ADD COLUMN "consecutive_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_forwards" ADD COLUMN "failing_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_forwards" ADD COLUMN "paused_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_forward_deliveries_due_idx" ON "webhook_forward_deliveries" USING btree ("forward_id","next_attempt_at") WHERE "webhook_forward_deliveries"."status" in ('pending', 'retrying');