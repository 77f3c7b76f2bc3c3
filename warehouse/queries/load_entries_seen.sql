-- Entries a run saw but did not need to fetch ('known'): a stored entry keeps its own outcome
-- and only records the run that saw it; one matched by GUID or alias under a new URL gets its own row.
INSERT INTO entries BY NAME (SELECT * FROM batch)
ON CONFLICT (entry_key) DO UPDATE SET last_seen_run_id = excluded.last_seen_run_id;
