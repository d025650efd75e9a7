CREATE TABLE "operation_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"type" text NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operation_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"operation" text NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"input" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"status_message" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "operation_steps" (
	"run_id" uuid NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"last_error_code" text,
	"last_error_message" text,
	"last_fbtrace_id" text,
	"result" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "operation_steps_run_id_name_pk" PRIMARY KEY("run_id","name")
);
--> statement-breakpoint
ALTER TABLE "graph_calls" ADD COLUMN "run_id" uuid;--> statement-breakpoint
-- Onboarding pipelines become runs of the "onboarding" operation: the run shares its session's id.
INSERT INTO "operation_runs" ("id", "operation", "subject_type", "subject_id", "input", "status", "status_message", "created_at", "updated_at", "finished_at")
SELECT s."id", 'onboarding', 'onboarding_session', s."id"::text,
       jsonb_build_object('flow', s."flow", 'partnerType', s."partner_type"),
       CASE WHEN s."status" = 'running' THEN 'running' WHEN s."status" IN ('live', 'action_needed') THEN 'done' ELSE 'failed' END,
       s."status_message", s."created_at", s."updated_at", s."completed_at"
FROM "onboarding_sessions" s
WHERE EXISTS (SELECT 1 FROM "onboarding_steps" st WHERE st."session_id" = s."id");--> statement-breakpoint
INSERT INTO "operation_steps" ("run_id", "name", "status", "attempts", "started_at", "finished_at", "last_error_code", "last_error_message", "last_fbtrace_id", "result", "updated_at")
SELECT "session_id", "name", "status", "attempts", "started_at", "finished_at", "last_error_code", "last_error_message", "last_fbtrace_id", "result", "updated_at"
FROM "onboarding_steps";--> statement-breakpoint
INSERT INTO "operation_events" ("run_id", "type", "data", "created_at")
SELECT e."session_id", e."type", e."data", e."created_at"
FROM "onboarding_events" e
WHERE (e."type" LIKE 'step.%' OR e."type" LIKE 'pipeline.%') AND EXISTS (SELECT 1 FROM "operation_runs" r WHERE r."id" = e."session_id");--> statement-breakpoint
DELETE FROM "onboarding_events" WHERE ("type" LIKE 'step.%' OR "type" LIKE 'pipeline.%') AND EXISTS (SELECT 1 FROM "operation_runs" r WHERE r."id" = "onboarding_events"."session_id");--> statement-breakpoint
UPDATE "graph_calls" SET "run_id" = "session_id" WHERE "session_id" IS NOT NULL AND EXISTS (SELECT 1 FROM "operation_runs" r WHERE r."id" = "graph_calls"."session_id");--> statement-breakpoint
DROP TABLE "onboarding_steps" CASCADE;--> statement-breakpoint
ALTER TABLE "operation_events" ADD CONSTRAINT "operation_events_run_id_operation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."operation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_runs" ADD CONSTRAINT "operation_runs_created_by_staff_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operation_steps" ADD CONSTRAINT "operation_steps_run_id_operation_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."operation_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "operation_events_run_idx" ON "operation_events" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "operation_runs_subject_idx" ON "operation_runs" USING btree ("subject_type","subject_id","created_at");--> statement-breakpoint
CREATE INDEX "operation_runs_running_idx" ON "operation_runs" USING btree ("created_at") WHERE "operation_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "graph_calls_run_idx" ON "graph_calls" USING btree ("run_id","id");