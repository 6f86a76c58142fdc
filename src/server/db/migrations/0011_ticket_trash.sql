ALTER TABLE "csat_events" DROP CONSTRAINT "csat_events_ticket_id_tickets_id_fk";
--> statement-breakpoint
ALTER TABLE "csat_surveys" DROP CONSTRAINT "csat_surveys_ticket_id_tickets_id_fk";
--> statement-breakpoint
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_ticket_id_tickets_id_fk";
--> statement-breakpoint
ALTER TABLE "csat_events" ALTER COLUMN "ticket_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "csat_surveys" ALTER COLUMN "ticket_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD COLUMN "ticket_reference" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "deleted_by" uuid;--> statement-breakpoint
ALTER TABLE "csat_events" ADD CONSTRAINT "csat_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_deleted_by_users_id_fk" FOREIGN KEY ("deleted_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tickets_trash_idx" ON "tickets" USING btree ("deleted_at") WHERE "tickets"."deleted_at" IS NOT NULL;--> statement-breakpoint
-- hand-written
UPDATE "csat_surveys" s SET "ticket_reference" = p."key" || '-' || t."number"
FROM "tickets" t JOIN "projects" p ON p."id" = t."project_id"
WHERE t."id" = s."ticket_id";
