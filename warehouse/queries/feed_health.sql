SELECT feed_id, outlet, language, status, last_success_at, last_new_entry_at, consecutive_failures AS failures,
       polls, unchanged_share, entries, duplicate_share, next_poll_at, left(last_error, 60) AS last_error
FROM v_feed_health
ORDER BY CASE status WHEN 'failing' THEN 0 WHEN 'paused' THEN 1 WHEN 'stalled' THEN 2
                     WHEN 'never polled' THEN 3 ELSE 4 END, feed_id;
