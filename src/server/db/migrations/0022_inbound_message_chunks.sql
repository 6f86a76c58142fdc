CREATE TABLE "inbound_message_chunks" (
	"inbound_message_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"account_id" uuid NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "inbound_message_chunks_inbound_message_id_seq_pk" PRIMARY KEY("inbound_message_id","seq")
);
--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "size" integer;--> statement-breakpoint
ALTER TABLE "inbound_message_chunks" ADD CONSTRAINT "inbound_message_chunks_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_message_chunks" ADD CONSTRAINT "inbound_message_chunks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Mail kept so far moves from the raw column into 256 KiB chunks (the column goes in the next migration).
UPDATE "inbound_messages" SET "size" = octet_length("raw");--> statement-breakpoint
ALTER TABLE "inbound_messages" ALTER COLUMN "size" SET NOT NULL;--> statement-breakpoint
INSERT INTO "inbound_message_chunks" ("inbound_message_id", "seq", "account_id", "data")
  SELECT m."id", s.seq, m."account_id", substring(m."raw" FROM s.seq * 262144 + 1 FOR 262144)
  FROM "inbound_messages" m
  CROSS JOIN LATERAL generate_series(0, greatest(ceil(octet_length(m."raw") / 262144.0)::int - 1, 0)) AS s(seq);