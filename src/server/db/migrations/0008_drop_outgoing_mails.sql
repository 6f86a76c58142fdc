DROP TABLE "outgoing_mails" CASCADE;--> statement-breakpoint
DROP TYPE "public"."mail_kind";--> statement-breakpoint
DROP TYPE "public"."mail_status";