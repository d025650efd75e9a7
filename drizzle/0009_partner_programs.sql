CREATE TABLE "business_verifications" (
	"business_id" text PRIMARY KEY NOT NULL,
	"meta_status" text,
	"meta_read_at" timestamp with time zone,
	"webhook_status" text,
	"webhook_reasons" text[] DEFAULT '{}'::text[] NOT NULL,
	"webhook_at" timestamp with time zone,
	"needed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "msc_shares" (
	"phone_number_id" text PRIMARY KEY NOT NULL,
	"partner_count" integer NOT NULL,
	"note" text,
	"recorded_by" uuid,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phone_quality_days" (
	"phone_number_id" text NOT NULL,
	"day" text NOT NULL,
	"rating" text NOT NULL,
	CONSTRAINT "phone_quality_days_phone_number_id_day_pk" PRIMARY KEY("phone_number_id","day")
);
--> statement-breakpoint
CREATE TABLE "verification_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"business_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"meta_submission_id" text,
	"meta_attempts" integer,
	"rejection_reasons" text[] DEFAULT '{}'::text[] NOT NULL,
	"documents" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"submitted_by" uuid,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "msc_shares" ADD CONSTRAINT "msc_shares_recorded_by_staff_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verification_submissions" ADD CONSTRAINT "verification_submissions_submitted_by_staff_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "phone_quality_days_day_idx" ON "phone_quality_days" USING btree ("day");--> statement-breakpoint
CREATE UNIQUE INDEX "verification_submissions_slot_key" ON "verification_submissions" USING btree ("business_id","attempt") WHERE "verification_submissions"."status" <> 'refused';--> statement-breakpoint
CREATE UNIQUE INDEX "verification_submissions_meta_key" ON "verification_submissions" USING btree ("meta_submission_id");--> statement-breakpoint
CREATE INDEX "message_daily_counts_day_idx" ON "message_daily_counts" USING btree ("day");