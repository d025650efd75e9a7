CREATE TABLE "waba_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_business_id" text NOT NULL,
	"customer_name" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"note" text,
	"status" text DEFAULT 'sent' NOT NULL,
	"meta_waba_id" text,
	"accepted_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "solutions" ADD COLUMN "owner_app_id" text;--> statement-breakpoint
ALTER TABLE "solutions" ADD COLUMN "owner_app_name" text;--> statement-breakpoint
ALTER TABLE "solutions" ADD COLUMN "partner_app_id" text;--> statement-breakpoint
ALTER TABLE "solutions" ADD COLUMN "partner_app_name" text;--> statement-breakpoint
ALTER TABLE "solutions" ADD COLUMN "messaging_app" text;--> statement-breakpoint
ALTER TABLE "solutions" ADD COLUMN "synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "waba_requests" ADD CONSTRAINT "waba_requests_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "waba_requests_business_idx" ON "waba_requests" USING btree ("customer_business_id","status");--> statement-breakpoint
CREATE INDEX "waba_requests_created_idx" ON "waba_requests" USING btree ("created_at","id");