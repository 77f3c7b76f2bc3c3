-- 004: every entry a run sees leaves a row.
-- last_seen_run_id: the last run whose feeds listed the entry, whatever it ended in
-- (an entry already stored is 'known' to that run, and its own outcome is kept).
-- Entries that never became a page (parse_error: a link no parser can use) get rows
-- keyed 'invalid:<hash>', and entries a run could not reach ('deferred': --limit or
-- the fetch budget) get rows the next run picks up, whether or not their feed is due.
ALTER TABLE entries ADD COLUMN last_seen_run_id VARCHAR;
UPDATE entries SET last_seen_run_id = last_run_id;
