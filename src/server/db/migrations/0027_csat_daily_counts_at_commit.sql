-- The roll-up follows csat_surveys at commit instead of at each statement: the triggers of 0024
-- become constraint triggers, deferred, so a submitting transaction locks its roll-up row only while
-- it commits, not from its UPDATE to its COMMIT (concurrent answers of one project, day and agent
-- queued on that row for the whole transaction). What they add is unchanged: each event still
-- carries the row's old and new values.
DROP TRIGGER csat_daily_counts_follow_writes ON csat_surveys;
--> statement-breakpoint
DROP TRIGGER csat_daily_counts_follow_updates ON csat_surveys;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER csat_daily_counts_follow_writes AFTER INSERT OR DELETE ON csat_surveys
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION csat_daily_counts_follow();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER csat_daily_counts_follow_updates
  AFTER UPDATE OF account_id, project_id, agent_id, created_at, submitted_at, rating, channel ON csat_surveys
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN ((OLD.project_id, OLD.agent_id, OLD.created_at, OLD.submitted_at, OLD.rating, OLD.channel)
    IS DISTINCT FROM (NEW.project_id, NEW.agent_id, NEW.created_at, NEW.submitted_at, NEW.rating, NEW.channel))
  EXECUTE FUNCTION csat_daily_counts_follow();
--> statement-breakpoint
-- A recount first applies the changes its own transaction still holds back (SET CONSTRAINTS …
-- IMMEDIATE fires them now): left for the commit, they would be added again to the fresh counts.
CREATE OR REPLACE FUNCTION csat_daily_counts_rebuild(account uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  SET CONSTRAINTS csat_daily_counts_follow_writes, csat_daily_counts_follow_updates IMMEDIATE;
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
