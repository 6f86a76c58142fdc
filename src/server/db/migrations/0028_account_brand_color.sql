ALTER TABLE "accounts" ADD COLUMN "brand_color" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_brand_color_format" CHECK ("accounts"."brand_color" ~ '^#[0-9a-f]{6}$');