CREATE TABLE "inbound_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"message_id_header" text NOT NULL,
	"source" text NOT NULL,
	"from_address" text NOT NULL,
	"subject" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"ticket_id" uuid,
	"raw" "bytea" NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "inbound_messages_projectId_messageIdHeader_unique" UNIQUE("project_id","message_id_header")
);
--> statement-breakpoint
CREATE TABLE "inbound_settings" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"address" text,
	"new_tickets_per_sender_hour" integer DEFAULT 20 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_settings" ADD CONSTRAINT "inbound_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_settings" ADD CONSTRAINT "inbound_settings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_messages_project_id_from_address_received_at_index" ON "inbound_messages" USING btree ("project_id","from_address","received_at");--> statement-breakpoint
CREATE INDEX "inbound_messages_project_id_status_received_at_index" ON "inbound_messages" USING btree ("project_id","status","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_settings_address_key" ON "inbound_settings" USING btree (lower("address"));