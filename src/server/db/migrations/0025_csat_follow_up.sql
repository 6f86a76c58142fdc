ALTER TYPE "public"."staff_notification_kind" ADD VALUE 'low_score';--> statement-breakpoint
CREATE TABLE "csat_follow_ups" (
	"survey_id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"answered_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"done_by_user_id" uuid,
	"note" text,
	CONSTRAINT "csat_follow_ups_note_length" CHECK (char_length("csat_follow_ups"."note") <= 2000),
	CONSTRAINT "csat_follow_ups_note_when_done" CHECK ("csat_follow_ups"."note" IS NULL OR "csat_follow_ups"."done_at" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "csat_settings" ADD COLUMN "low_score_threshold" smallint DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "csat_settings" ADD COLUMN "low_score_reasons" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "staff_notifications" ADD COLUMN "survey_id" uuid;--> statement-breakpoint
ALTER TABLE "csat_follow_ups" ADD CONSTRAINT "csat_follow_ups_survey_id_csat_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."csat_surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_follow_ups" ADD CONSTRAINT "csat_follow_ups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_follow_ups" ADD CONSTRAINT "csat_follow_ups_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_follow_ups" ADD CONSTRAINT "csat_follow_ups_done_by_user_id_users_id_fk" FOREIGN KEY ("done_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "csat_follow_ups_project_id_answered_at_index" ON "csat_follow_ups" USING btree ("project_id","answered_at");--> statement-breakpoint
CREATE INDEX "csat_follow_ups_done_by_user_id_index" ON "csat_follow_ups" USING btree ("done_by_user_id");--> statement-breakpoint
ALTER TABLE "staff_notifications" ADD CONSTRAINT "staff_notifications_survey_id_csat_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."csat_surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_notifications_survey_id_index" ON "staff_notifications" USING btree ("survey_id");--> statement-breakpoint
ALTER TABLE "csat_settings" ADD CONSTRAINT "csat_settings_low_score_threshold_range" CHECK ("csat_settings"."low_score_threshold" BETWEEN 1 AND 4);--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_reason_length" CHECK (char_length("csat_surveys"."reason") <= 100);--> statement-breakpoint
ALTER TABLE "staff_notifications" ADD CONSTRAINT "staff_notifications_low_score_survey" CHECK (("staff_notifications"."kind"::text = 'low_score') = ("staff_notifications"."survey_id" IS NOT NULL));--> statement-breakpoint
-- The built-in Owner and Admin roles hold every permission, the new one included.
UPDATE "roles" SET "permissions" = array_append("permissions", 'csat.follow_up')
 WHERE "kind" IN ('owner', 'admin') AND NOT ('csat.follow_up' = ANY("permissions"));
