-- A deferred entry was not tried: it keeps its attempt count (0 when new), so waiting never uses up retries.
INSERT INTO entries BY NAME (SELECT * EXCLUDE (attempts), CASE WHEN outcome = 'deferred' THEN 0 ELSE 1 END AS attempts FROM batch)
ON CONFLICT (entry_key) DO UPDATE SET last_run_id = excluded.last_run_id,
    last_seen_run_id = excluded.last_seen_run_id,
    outcome = excluded.outcome, detail = excluded.detail, article_id = excluded.article_id,
    raw_hash = excluded.raw_hash,
    attempts = entries.attempts + CASE WHEN excluded.outcome = 'deferred' THEN 0 ELSE 1 END;
