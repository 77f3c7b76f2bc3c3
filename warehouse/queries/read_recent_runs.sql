-- The last runs, newest first, with their tallies.
SELECT run_id, strftime(started_at, '%Y-%m-%d %H:%M') AS started_utc, status,
       round(epoch(finished_at) - epoch(started_at), 1) AS seconds, feeds_ok, feeds_failed, entries_new,
       coalesce(CAST(tally->>'loaded' AS INTEGER), 0) AS loaded,
       coalesce(CAST(tally->>'duplicate' AS INTEGER), 0) AS duplicates,
       coalesce(CAST(tally->>'fetch_error' AS INTEGER), 0) AS fetch_errors
FROM runs ORDER BY started_at DESC LIMIT $limit;
