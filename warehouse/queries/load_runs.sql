INSERT INTO runs BY NAME (SELECT * FROM batch)
ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status,
    feeds_ok = excluded.feeds_ok, feeds_failed = excluded.feeds_failed,
    entries_seen = excluded.entries_seen, entries_new = excluded.entries_new,
    tally = excluded.tally, flow_run_id = excluded.flow_run_id;
