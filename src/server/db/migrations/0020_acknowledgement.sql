ALTER TABLE "inbound_settings" ADD COLUMN "acknowledge" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_settings" ADD COLUMN "acknowledgement_text" text;