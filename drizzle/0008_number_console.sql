CREATE TABLE "test_messages" (
	"message_id" text PRIMARY KEY NOT NULL,
	"phone_number_id" text NOT NULL,
	"recipient" text NOT NULL,
	"kind" text NOT NULL,
	"template_name" text,
	"template_language" text,
	"sent_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "pending_pin_secret_id" uuid;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "pending_code_secret_id" uuid;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "data_localization_region" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "last_read" jsonb;--> statement-breakpoint
ALTER TABLE "test_messages" ADD CONSTRAINT "test_messages_sent_by_staff_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "test_messages_phone_idx" ON "test_messages" USING btree ("phone_number_id","created_at");--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_pending_pin_secret_id_vault_secrets_id_fk" FOREIGN KEY ("pending_pin_secret_id") REFERENCES "public"."vault_secrets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_pending_code_secret_id_vault_secrets_id_fk" FOREIGN KEY ("pending_code_secret_id") REFERENCES "public"."vault_secrets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "graph_calls_register_idx" ON "graph_calls" USING btree ("path","created_at") WHERE "graph_calls"."path" like '%/register' or "graph_calls"."path" like '%/deregister';