-- Per feed: state, polling results and what its entries became; `status` flags
-- feeds that need attention: failing, paused (pause_after failures in a row, probed
-- daily), stalled (answers but nothing new for stalled_days), never polled.
CREATE OR REPLACE VIEW v_feed_health AS
WITH polls AS (
    SELECT feed_id, count(*) AS polls,
           count(*) FILTER (WHERE outcome IN ('fetch_error', 'too_large', 'blocked', 'not_a_feed')) AS failed_polls,
           count(*) FILTER (WHERE outcome IN ('not_modified', 'unchanged')) AS unchanged_polls,
           sum(entries_new) AS entries_new
    FROM feed_fetches GROUP BY feed_id
), ent AS (
    SELECT feed_id, count(*) AS entries,
           count(*) FILTER (WHERE outcome = 'duplicate') AS duplicate_entries
    FROM entries GROUP BY feed_id
), cfg AS (
    SELECT max(CAST(value AS INTEGER)) FILTER (WHERE key = 'stalled_days') AS stalled_days,
           max(CAST(value AS INTEGER)) FILTER (WHERE key = 'pause_after') AS pause_after
    FROM config
)
SELECT f.feed_id, f.outlet, f.language, f.url,
       CASE
           WHEN s.feed_id IS NULL THEN 'never polled'
           WHEN s.consecutive_failures >= (SELECT pause_after FROM cfg) THEN 'paused'
           WHEN s.consecutive_failures > 0 THEN 'failing'
           WHEN COALESCE(s.last_new_entry_at, TIMESTAMPTZ '1970-01-01')
                < now() - to_days((SELECT stalled_days FROM cfg)) THEN 'stalled'
           ELSE 'ok'
       END AS status,
       s.last_success_at, s.last_new_entry_at, s.consecutive_failures, s.last_error, s.next_poll_at,
       s.interval_s, COALESCE(p.polls, 0) AS polls, COALESCE(p.failed_polls, 0) AS failed_polls,
       round(COALESCE(p.unchanged_polls, 0) / greatest(p.polls, 1), 3) AS unchanged_share,
       COALESCE(p.entries_new, 0) AS entries_new, COALESCE(e.entries, 0) AS entries,
       round(COALESCE(e.duplicate_entries, 0) / greatest(e.entries, 1), 3) AS duplicate_share
FROM feeds f
LEFT JOIN feed_state s USING (feed_id)
LEFT JOIN polls p USING (feed_id)
LEFT JOIN ent e USING (feed_id);
