CREATE TABLE "waba_meta_states" (
	"waba_id" uuid PRIMARY KEY NOT NULL,
	"raw" jsonb,
	"raw_read_at" timestamp with time zone,
	"subscribed_apps" jsonb,
	"subscribed_apps_read_at" timestamp with time zone,
	"expected_override" text,
	"expected_override_secret_id" uuid,
	"assigned_users" jsonb,
	"assigned_users_read_at" timestamp with time zone,
	"allocation" jsonb,
	"allocation_read_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attention_items" ADD COLUMN "resolved_by" uuid;--> statement-breakpoint
ALTER TABLE "attention_items" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "business_tokens" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "waba_meta_states" ADD CONSTRAINT "waba_meta_states_waba_id_wabas_id_fk" FOREIGN KEY ("waba_id") REFERENCES "public"."wabas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waba_meta_states" ADD CONSTRAINT "waba_meta_states_expected_override_secret_id_vault_secrets_id_fk" FOREIGN KEY ("expected_override_secret_id") REFERENCES "public"."vault_secrets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attention_items" ADD CONSTRAINT "attention_items_resolved_by_staff_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "attention_items_waba_idx" ON "attention_items" USING btree ("waba_id","created_at");