SELECT feed_id, etag, last_modified, body_hash, last_attempt_at, last_success_at, last_new_entry_at,
       consecutive_failures, last_error, interval_s, next_poll_at
FROM feed_state;
