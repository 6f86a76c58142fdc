CREATE TABLE "discord_apps" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"public_key" text NOT NULL,
	"bot_token_sealed" text NOT NULL,
	"bot_token_last4" text NOT NULL,
	"client_secret_sealed" text NOT NULL,
	"client_secret_last4" text NOT NULL,
	"bot_name" text NOT NULL,
	"saved_at" timestamp with time zone NOT NULL,
	"broken_at" timestamp with time zone,
	"broken_reason" text
);
--> statement-breakpoint
CREATE TABLE "discord_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"discord_user_id" text NOT NULL,
	"discord_username" text NOT NULL,
	"linked_at" timestamp with time zone NOT NULL,
	"dm_undeliverable_at" timestamp with time zone,
	"dm_undeliverable_reason" text,
	CONSTRAINT "discord_links_accountId_customerId_unique" UNIQUE("account_id","customer_id"),
	CONSTRAINT "discord_links_accountId_discordUserId_unique" UNIQUE("account_id","discord_user_id")
);
--> statement-breakpoint
CREATE TABLE "discord_oauth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"return_to_sealed" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "discord_project_settings" (
	"project_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"dm_and_email" boolean DEFAULT false NOT NULL,
	CONSTRAINT "discord_project_settings_project_id_pk" PRIMARY KEY("project_id")
);
--> statement-breakpoint
ALTER TABLE "discord_apps" ADD CONSTRAINT "discord_apps_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discord_links" ADD CONSTRAINT "discord_links_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discord_links" ADD CONSTRAINT "discord_links_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discord_oauth_states" ADD CONSTRAINT "discord_oauth_states_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discord_oauth_states" ADD CONSTRAINT "discord_oauth_states_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discord_project_settings" ADD CONSTRAINT "discord_project_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "discord_project_settings" ADD CONSTRAINT "discord_project_settings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "discord_oauth_states_customer_id_index" ON "discord_oauth_states" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "discord_project_settings_account_id_index" ON "discord_project_settings" USING btree ("account_id");