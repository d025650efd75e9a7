CREATE TABLE "exchanged_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ADD COLUMN "reported_waba_id" text;--> statement-breakpoint
ALTER TABLE "onboarding_sessions" ADD COLUMN "reported_business_id" text;--> statement-breakpoint
ALTER TABLE "signup_links" ADD COLUMN "pruned_opened" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "onboarding_sessions_reported_waba_idx" ON "onboarding_sessions" USING btree ("reported_waba_id");--> statement-breakpoint
CREATE INDEX "onboarding_sessions_waiting_idx" ON "onboarding_sessions" USING btree ("expires_at") WHERE "onboarding_sessions"."status" = 'started';