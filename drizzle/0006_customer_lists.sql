ALTER TABLE "businesses" ADD COLUMN "email" text;--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN "customer_reference" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "display_digits" text GENERATED ALWAYS AS (regexp_replace(coalesce(display_phone_number, ''), '[^0-9]', '', 'g')) STORED;--> statement-breakpoint
ALTER TABLE "signup_links" ADD COLUMN "customer_reference" text;--> statement-breakpoint
CREATE INDEX "business_tokens_waba_latest_idx" ON "business_tokens" USING btree ("waba_id","created_at");--> statement-breakpoint
CREATE INDEX "business_tokens_status_idx" ON "business_tokens" USING btree ("status","waba_id");--> statement-breakpoint
CREATE INDEX "business_tokens_expires_idx" ON "business_tokens" USING btree ("expires_at","waba_id");--> statement-breakpoint
CREATE INDEX "businesses_created_idx" ON "businesses" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "businesses_name_search_idx" ON "businesses" USING btree (lower("name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "businesses_email_search_idx" ON "businesses" USING btree (lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "businesses_reference_search_idx" ON "businesses" USING btree (lower("customer_reference") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "onboarding_sessions_waba_latest_idx" ON "onboarding_sessions" USING btree ("waba_id","created_at");--> statement-breakpoint
CREATE INDEX "onboarding_sessions_status_waba_idx" ON "onboarding_sessions" USING btree ("status","waba_id");--> statement-breakpoint
CREATE INDEX "phone_numbers_digits_search_idx" ON "phone_numbers" USING btree (reverse("display_digits") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "phone_numbers_quality_idx" ON "phone_numbers" USING btree ("quality_rating","waba_id");--> statement-breakpoint
CREATE INDEX "phone_numbers_name_status_idx" ON "phone_numbers" USING btree ("name_status","waba_id");--> statement-breakpoint
CREATE INDEX "wabas_business_idx" ON "wabas" USING btree ("business_id");--> statement-breakpoint
CREATE INDEX "wabas_name_search_idx" ON "wabas" USING btree (lower("name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "wabas_status_list_idx" ON "wabas" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "wabas_review_list_idx" ON "wabas" USING btree ("account_review_status","created_at","id");--> statement-breakpoint
CREATE INDEX "wabas_verification_list_idx" ON "wabas" USING btree ("business_verification_status","created_at","id");--> statement-breakpoint
CREATE INDEX "wabas_limit_list_idx" ON "wabas" USING btree ("messaging_limit","created_at","id");--> statement-breakpoint
CREATE INDEX "wabas_can_send_list_idx" ON "wabas" USING btree (("health_status" ->> 'can_send_message'),"created_at","id");