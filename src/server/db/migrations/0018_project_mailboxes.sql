CREATE TABLE "project_mailboxes" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"tls" boolean NOT NULL,
	"username" text NOT NULL,
	"password_sealed" text NOT NULL,
	"folder" text DEFAULT 'INBOX' NOT NULL,
	"processed_folder" text,
	"poll_seconds" integer DEFAULT 60 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"last_checked_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "project_mailboxes_port_range" CHECK ("project_mailboxes"."port" BETWEEN 1 AND 65535),
	CONSTRAINT "project_mailboxes_poll_range" CHECK ("project_mailboxes"."poll_seconds" BETWEEN 10 AND 3600)
);
--> statement-breakpoint
ALTER TABLE "project_mailboxes" ADD CONSTRAINT "project_mailboxes_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_mailboxes" ADD CONSTRAINT "project_mailboxes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;