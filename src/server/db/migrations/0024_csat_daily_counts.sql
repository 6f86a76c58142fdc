CREATE TABLE "csat_daily_counts" (
	"account_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"day" date NOT NULL,
	"agent_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"rated_1" integer DEFAULT 0 NOT NULL,
	"rated_2" integer DEFAULT 0 NOT NULL,
	"rated_3" integer DEFAULT 0 NOT NULL,
	"rated_4" integer DEFAULT 0 NOT NULL,
	"rated_5" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "csat_daily_counts_project_id_day_agent_id_channel_pk" PRIMARY KEY("project_id","day","agent_id","channel")
);
--> statement-breakpoint
ALTER TABLE "csat_daily_counts" ADD CONSTRAINT "csat_daily_counts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_daily_counts" ADD CONSTRAINT "csat_daily_counts_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "csat_daily_counts_account_id_index" ON "csat_daily_counts" USING btree ("account_id");--> statement-breakpoint
-- The roll-up follows every change of csat_surveys in the changing transaction: each survey counts
-- once in `sent` on the local day it was created (under its answer's channel, '' unanswered) and,
-- once answered, once in `rated_<rating>` on the local day it was submitted. A change subtracts the
-- old row's counts and adds the new row's in one statement (rows in key order, so concurrent
-- transactions take the row locks in the same order); concurrent increments of one row serialise on
-- INSERT … ON CONFLICT DO UPDATE. A survey whose project is being deleted is skipped: its rows go
-- with the project.
CREATE FUNCTION csat_daily_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO csat_daily_counts AS c
    (account_id, project_id, day, agent_id, channel, sent, rated_1, rated_2, rated_3, rated_4, rated_5)
  SELECT p.account_id, p.id, k.day, coalesce((ch.s).agent_id, '00000000-0000-0000-0000-000000000000'),
    coalesce((ch.s).channel::text, ''), sum(k.sent),
    sum(CASE (ch.s).rating WHEN 1 THEN k.answered ELSE 0 END), sum(CASE (ch.s).rating WHEN 2 THEN k.answered ELSE 0 END),
    sum(CASE (ch.s).rating WHEN 3 THEN k.answered ELSE 0 END), sum(CASE (ch.s).rating WHEN 4 THEN k.answered ELSE 0 END),
    sum(CASE (ch.s).rating WHEN 5 THEN k.answered ELSE 0 END)
  FROM (VALUES (OLD, -1), (NEW, 1)) ch (s, sign)
  JOIN projects p ON p.id = (ch.s).project_id
  JOIN accounts a ON a.id = p.account_id
  CROSS JOIN LATERAL (VALUES
    (((ch.s).created_at AT TIME ZONE a.timezone)::date, ch.sign, 0),
    (((ch.s).submitted_at AT TIME ZONE a.timezone)::date, 0, ch.sign)) k (day, sent, answered)
  WHERE (ch.s).id IS NOT NULL AND k.day IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
  ORDER BY 2, 3, 4, 5
  ON CONFLICT (project_id, day, agent_id, channel) DO UPDATE SET
    sent = c.sent + excluded.sent,
    rated_1 = c.rated_1 + excluded.rated_1,
    rated_2 = c.rated_2 + excluded.rated_2,
    rated_3 = c.rated_3 + excluded.rated_3,
    rated_4 = c.rated_4 + excluded.rated_4,
    rated_5 = c.rated_5 + excluded.rated_5;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER csat_daily_counts_follow_writes AFTER INSERT OR DELETE ON csat_surveys
  FOR EACH ROW EXECUTE FUNCTION csat_daily_counts_follow();
--> statement-breakpoint
-- Only changes of what is counted (expiry, a new link version or a purged ticket change nothing).
CREATE TRIGGER csat_daily_counts_follow_updates
  AFTER UPDATE OF account_id, project_id, agent_id, created_at, submitted_at, rating, channel ON csat_surveys
  FOR EACH ROW
  WHEN ((OLD.project_id, OLD.agent_id, OLD.created_at, OLD.submitted_at, OLD.rating, OLD.channel)
    IS DISTINCT FROM (NEW.project_id, NEW.agent_id, NEW.created_at, NEW.submitted_at, NEW.rating, NEW.channel))
  EXECUTE FUNCTION csat_daily_counts_follow();
--> statement-breakpoint
-- Recounts one account's rows from its surveys. The SHARE lock waits for the transactions writing
-- surveys to end and holds new writes until commit, so no increment is lost between the delete and
-- the recount (reads go on).
CREATE FUNCTION csat_daily_counts_rebuild(account uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  LOCK TABLE csat_surveys IN SHARE MODE;
  DELETE FROM csat_daily_counts WHERE account_id = account;
  INSERT INTO csat_daily_counts
    (account_id, project_id, day, agent_id, channel, sent, rated_1, rated_2, rated_3, rated_4, rated_5)
  SELECT p.account_id, p.id, k.day, coalesce(s.agent_id, '00000000-0000-0000-0000-000000000000'),
    coalesce(s.channel::text, ''), sum(k.sent),
    count(*) FILTER (WHERE k.answered AND s.rating = 1), count(*) FILTER (WHERE k.answered AND s.rating = 2),
    count(*) FILTER (WHERE k.answered AND s.rating = 3), count(*) FILTER (WHERE k.answered AND s.rating = 4),
    count(*) FILTER (WHERE k.answered AND s.rating = 5)
  FROM projects p
  JOIN accounts a ON a.id = p.account_id
  JOIN csat_surveys s ON s.project_id = p.id
  CROSS JOIN LATERAL (VALUES
    ((s.created_at AT TIME ZONE a.timezone)::date, 1, false),
    ((s.submitted_at AT TIME ZONE a.timezone)::date, 0, true)) k (day, sent, answered)
  WHERE p.account_id = account AND k.day IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;
--> statement-breakpoint
CREATE FUNCTION csat_daily_counts_follow_timezone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM csat_daily_counts_rebuild(NEW.id);
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Days are the account's local days: a new time zone moves every boundary, so the account is recounted.
CREATE TRIGGER csat_daily_counts_follow_timezone AFTER UPDATE OF timezone ON accounts
  FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone)
  EXECUTE FUNCTION csat_daily_counts_follow_timezone();
--> statement-breakpoint
SELECT csat_daily_counts_rebuild(id) FROM accounts;
