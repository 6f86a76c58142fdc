CREATE TYPE "public"."delivery_channel" AS ENUM('mail');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('queued', 'sent', 'failed', 'kept', 'bounced');--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"project_id" uuid,
	"ticket_id" uuid,
	"channel" "delivery_channel" NOT NULL,
	"kind" text NOT NULL,
	"cause_key" text NOT NULL,
	"cause" jsonb NOT NULL,
	"recipient" text NOT NULL,
	"status" "delivery_status" DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"claimed_by" text,
	"last_error" text,
	"external_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "deliveries_channel_causeKey_unique" UNIQUE("channel","cause_key"),
	CONSTRAINT "deliveries_lease_has_claim" CHECK (("deliveries"."lease_until" IS NULL) = ("deliveries"."claimed_by" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_ticket_id_index" ON "deliveries" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "deliveries_account_id_created_at_index" ON "deliveries" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_next_attempt_at_index" ON "deliveries" USING btree ("next_attempt_at") WHERE "deliveries"."status" = 'queued';--> statement-breakpoint
-- hand-written
-- Every outgoing mail becomes a mail delivery with the same id (its Message-ID stays the same); queued
-- ones are due at once, and the recovery sweep sends them (their old mail.send jobs are not worked).
INSERT INTO "deliveries" ("id", "account_id", "project_id", "ticket_id", "channel", "kind", "cause_key", "cause",
  "recipient", "status", "attempts", "next_attempt_at", "last_error", "created_at", "sent_at")
SELECT m."id", m."account_id", t."project_id", m."ticket_id", 'mail', m."kind"::text, m."cause_key", m."cause",
  m."recipient", m."status"::text::"delivery_status", m."attempts", m."created_at", m."last_error", m."created_at", m."sent_at"
FROM "outgoing_mails" m LEFT JOIN "tickets" t ON t."id" = m."ticket_id";
