-- Runs still 'running' when a new ingest holds the lock were killed (kill -9, power loss): say so.
UPDATE runs SET status = 'crashed' WHERE status = 'running' AND run_id <> $run_id;
