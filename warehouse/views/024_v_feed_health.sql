-- Per feed: state, last result, and share of runs that found something new.
CREATE OR REPLACE VIEW v_feed_health AS
SELECT f.feed_id, f.outlet, f.language, f.url, s.last_success_at, s.last_new_entry_at,
       s.consecutive_failures, s.last_error,
       count(ff.run_id) AS polls,
       count(ff.run_id) FILTER (WHERE ff.outcome = 'fetch_error') AS failed_polls,
       count(ff.run_id) FILTER (WHERE ff.outcome IN ('not_modified', 'unchanged')) AS unchanged_polls,
       COALESCE(sum(ff.entries_new), 0) AS entries_new
FROM feeds f
LEFT JOIN feed_state s USING (feed_id)
LEFT JOIN feed_fetches ff USING (feed_id)
GROUP BY ALL;
