CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "onboarding_sessions_failed_idx" ON "onboarding_sessions" USING btree ("updated_at","id") WHERE "onboarding_sessions"."status" = 'failed';--> statement-breakpoint
-- The never-launched sessions the onboarding list counts (launched_at null, status started or expired) are
-- estimated from these combined statistics: the two columns are far from independent.
CREATE STATISTICS IF NOT EXISTS "onboarding_sessions_launch_stats" (mcv) ON "status", "launched_at" FROM "onboarding_sessions";
