DROP INDEX "csat_surveys_project_submitted_idx";--> statement-breakpoint
DROP INDEX "csat_surveys_project_created_idx";--> statement-breakpoint
CREATE INDEX "csat_surveys_answers_idx" ON "csat_surveys" USING btree ("project_id","submitted_at","agent_id","rating","channel") WHERE "csat_surveys"."submitted_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "csat_surveys_sent_idx" ON "csat_surveys" USING btree ("project_id","created_at","agent_id","channel");