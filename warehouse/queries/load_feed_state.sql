INSERT INTO feed_state BY NAME (SELECT * FROM batch)
ON CONFLICT (feed_id) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
    body_hash = excluded.body_hash, last_attempt_at = excluded.last_attempt_at,
    last_success_at = excluded.last_success_at, last_new_entry_at = excluded.last_new_entry_at,
    consecutive_failures = excluded.consecutive_failures, last_error = excluded.last_error,
    interval_s = excluded.interval_s, next_poll_at = excluded.next_poll_at;
