INSERT INTO entries BY NAME (SELECT * FROM batch)
ON CONFLICT (entry_key) DO UPDATE SET last_run_id = excluded.last_run_id,
    outcome = excluded.outcome, detail = excluded.detail, article_id = excluded.article_id,
    raw_hash = excluded.raw_hash,
    attempts = entries.attempts + 1;
