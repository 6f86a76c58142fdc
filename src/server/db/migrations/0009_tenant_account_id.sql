ALTER TABLE "api_tokens" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "project_members" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "roles" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "csat_events" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "csat_settings" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "requester_notifications" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "staff_notifications" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "customer_sign_in_tokens" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "ticket_watchers" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_members" ADD CONSTRAINT "project_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_events" ADD CONSTRAINT "csat_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_settings" ADD CONSTRAINT "csat_settings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requester_notifications" ADD CONSTRAINT "requester_notifications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notifications" ADD CONSTRAINT "staff_notifications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_sign_in_tokens" ADD CONSTRAINT "customer_sign_in_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_watchers" ADD CONSTRAINT "ticket_watchers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- hand-written
-- Backfill from each row's parent (tickets before the tables that take it from their ticket); the
-- next migration makes the column NOT NULL.
UPDATE "roles" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "roles"."project_id";--> statement-breakpoint
UPDATE "project_members" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "project_members"."project_id";--> statement-breakpoint
UPDATE "sessions" SET "account_id" = u."account_id" FROM "users" u WHERE u."id" = "sessions"."user_id";--> statement-breakpoint
UPDATE "api_tokens" SET "account_id" = u."account_id" FROM "users" u WHERE u."id" = "api_tokens"."user_id";--> statement-breakpoint
UPDATE "tickets" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "tickets"."project_id";--> statement-breakpoint
UPDATE "ticket_watchers" SET "account_id" = t."account_id" FROM "tickets" t WHERE t."id" = "ticket_watchers"."ticket_id";--> statement-breakpoint
UPDATE "messages" SET "account_id" = t."account_id" FROM "tickets" t WHERE t."id" = "messages"."ticket_id";--> statement-breakpoint
UPDATE "audit_events" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "audit_events"."project_id";--> statement-breakpoint
UPDATE "csat_settings" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "csat_settings"."project_id";--> statement-breakpoint
UPDATE "csat_surveys" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "csat_surveys"."project_id";--> statement-breakpoint
UPDATE "csat_events" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "csat_events"."project_id";--> statement-breakpoint
UPDATE "requester_notifications" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "requester_notifications"."project_id";--> statement-breakpoint
UPDATE "staff_notifications" SET "account_id" = p."account_id" FROM "projects" p WHERE p."id" = "staff_notifications"."project_id";--> statement-breakpoint
UPDATE "customer_sign_in_tokens" SET "account_id" = c."account_id" FROM "customers" c WHERE c."id" = "customer_sign_in_tokens"."customer_id";
