-- What needs attention (`peacewire status`, and the alert webhook after each run):
--   feed_failing  every poll failed for stalled_days (counted from the last success, or the first poll)
--   feed_paused   paused after pause_after failures in a row (probed daily)
--   feed_stalled  answers, but nothing new for stalled_days
--   low_yield     the last run loaded under alert_drop_ratio x the median of the 7 runs before it
--   no_recent_run no completed run for alert_run_gap_hours
--   feeds_down    in the last completed run, more than alert_feed_failure_ratio of the polled feeds failed
--   run_crashed   a run was killed before it finished (marked by the next run) in the last alert_run_gap_hours
CREATE OR REPLACE VIEW v_conditions AS
WITH cfg AS (
    SELECT max(CAST(value AS INTEGER)) FILTER (WHERE key = 'stalled_days') AS days,
           max(CAST(value AS DOUBLE)) FILTER (WHERE key = 'alert_drop_ratio') AS drop_ratio,
           max(CAST(value AS INTEGER)) FILTER (WHERE key = 'alert_run_gap_hours') AS gap_hours,
           max(CAST(value AS DOUBLE)) FILTER (WHERE key = 'alert_feed_failure_ratio') AS fail_ratio
    FROM config
), first_poll AS (
    SELECT feed_id, min(fetched_at) AS first_poll_at FROM feed_fetches GROUP BY feed_id
), feeds AS (
    SELECT CASE h.status WHEN 'paused' THEN 'feed_paused' WHEN 'stalled' THEN 'feed_stalled'
                ELSE 'feed_failing' END AS kind,
           h.feed_id AS subject,
           coalesce(h.outlet, h.feed_id) || ': ' || CASE h.status
               WHEN 'stalled' THEN 'nothing new since ' || coalesce(strftime(h.last_new_entry_at, '%Y-%m-%d'), 'the first poll')
               ELSE h.consecutive_failures || ' failed polls in a row since '
                    || strftime(coalesce(h.last_success_at, p.first_poll_at), '%Y-%m-%d') || ' (' || coalesce(h.last_error, '?') || ')'
           END AS detail
    FROM v_feed_health h LEFT JOIN first_poll p USING (feed_id)
    WHERE h.status IN ('paused', 'stalled')
       OR (h.status = 'failing'
           AND coalesce(h.last_success_at, p.first_poll_at) < now() - to_days((SELECT days FROM cfg)))
), recent AS (
    SELECT run_id, started_at, coalesce(CAST(tally->>'loaded' AS INTEGER), 0) AS loaded,
           row_number() OVER (ORDER BY started_at DESC) AS n
    FROM runs WHERE status = 'completed'
), usual AS (
    SELECT median(loaded) AS median, count(*) AS runs FROM recent WHERE n BETWEEN 2 AND 8
), yield AS (
    SELECT 'low_yield' AS kind, l.run_id AS subject,
           'the last run loaded ' || l.loaded || ' articles; the median of the runs before it is ' || u.median AS detail
    FROM recent l, usual u
    WHERE l.n = 1 AND u.runs >= 3 AND u.median >= 5 AND l.loaded < u.median * (SELECT drop_ratio FROM cfg)
), gap AS (
    SELECT 'no_recent_run' AS kind, 'runs' AS subject,
           'no run completed since ' || coalesce(strftime(max(started_at), '%Y-%m-%d %H:%M UTC'), 'ever') AS detail
    FROM runs WHERE status = 'completed'
    HAVING coalesce(max(started_at), TIMESTAMPTZ '1970-01-01')
           < now() - to_hours((SELECT gap_hours FROM cfg))
       AND count(*) > 0
), last_run AS (
    SELECT run_id, feeds_ok, feeds_failed FROM runs WHERE status = 'completed' ORDER BY started_at DESC LIMIT 1
), down AS (
    SELECT 'feeds_down' AS kind, run_id AS subject,
           feeds_failed || ' of ' || (feeds_ok + feeds_failed) || ' polled feeds failed in the last run ('
               || run_id || '): see peacewire feeds' AS detail
    FROM last_run
    WHERE feeds_failed > (feeds_ok + feeds_failed) * (SELECT fail_ratio FROM cfg)
), crashed AS (
    SELECT 'run_crashed' AS kind, run_id AS subject,
           'the run started ' || strftime(started_at, '%Y-%m-%d %H:%M UTC') || ' was killed before it finished' AS detail
    FROM runs
    WHERE status = 'crashed' AND started_at >= now() - to_hours((SELECT gap_hours FROM cfg))
)
SELECT * FROM feeds UNION ALL SELECT * FROM yield UNION ALL SELECT * FROM gap
UNION ALL SELECT * FROM down UNION ALL SELECT * FROM crashed;
