CREATE TYPE "public"."csat_channel" AS ENUM('link', 'email', 'portal', 'discord');--> statement-breakpoint
CREATE TYPE "public"."csat_event_type" AS ENUM('created', 'invitation_sent', 'withdrawn', 'expired', 'submitted');--> statement-breakpoint
CREATE TABLE "csat_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"survey_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"type" "csat_event_type" NOT NULL,
	"channel" "csat_channel",
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "csat_settings" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"expiry_days" integer DEFAULT 7 NOT NULL,
	"invitation_text" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "csat_settings_expiry_days_range" CHECK ("csat_settings"."expiry_days" BETWEEN 1 AND 30)
);
--> statement-breakpoint
CREATE TABLE "csat_surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"resolution" integer NOT NULL,
	"agent_id" uuid,
	"token_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"expired_at" timestamp with time zone,
	"submitted_at" timestamp with time zone,
	"rating" smallint,
	"comment" text,
	"channel" "csat_channel",
	CONSTRAINT "csat_surveys_one_per_resolution" UNIQUE("ticket_id","resolution"),
	CONSTRAINT "csat_surveys_rating_range" CHECK ("csat_surveys"."rating" BETWEEN 1 AND 5),
	CONSTRAINT "csat_surveys_comment_length" CHECK (char_length("csat_surveys"."comment") <= 2000),
	CONSTRAINT "csat_surveys_answer_complete" CHECK (("csat_surveys"."submitted_at" IS NULL) = ("csat_surveys"."rating" IS NULL) AND ("csat_surveys"."submitted_at" IS NULL) = ("csat_surveys"."channel" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "requester_notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"survey_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "requester_notifications_survey_kind" CHECK (("requester_notifications"."kind" = 'survey') = ("requester_notifications"."survey_id" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "csat_events" ADD CONSTRAINT "csat_events_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_events" ADD CONSTRAINT "csat_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_settings" ADD CONSTRAINT "csat_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_agent_id_users_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requester_notifications" ADD CONSTRAINT "requester_notifications_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requester_notifications" ADD CONSTRAINT "requester_notifications_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requester_notifications" ADD CONSTRAINT "requester_notifications_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requester_notifications" ADD CONSTRAINT "requester_notifications_survey_id_csat_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."csat_surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "csat_events_survey_id_index" ON "csat_events" USING btree ("survey_id");--> statement-breakpoint
CREATE INDEX "csat_events_project_id_created_at_index" ON "csat_events" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "csat_surveys_project_submitted_idx" ON "csat_surveys" USING btree ("project_id","submitted_at");--> statement-breakpoint
CREATE INDEX "csat_surveys_project_created_idx" ON "csat_surveys" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "csat_surveys_due_idx" ON "csat_surveys" USING btree ("expires_at") WHERE "csat_surveys"."submitted_at" IS NULL AND "csat_surveys"."expired_at" IS NULL;--> statement-breakpoint
CREATE INDEX "requester_notifications_customer_id_created_at_index" ON "requester_notifications" USING btree ("customer_id","created_at");--> statement-breakpoint
CREATE INDEX "requester_notifications_survey_id_index" ON "requester_notifications" USING btree ("survey_id");