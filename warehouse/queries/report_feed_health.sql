SELECT feed_id, outlet, language, status, last_success_at, last_new_entry_at, consecutive_failures,
       entries, duplicate_share
FROM v_feed_health ORDER BY status = 'ok', feed_id;
