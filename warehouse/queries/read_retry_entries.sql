-- Entries to try again: pages that could not be fetched yet (bounded by attempts), and entries a
-- run deferred (--limit, the fetch budget), which wait for no feed to be due. Deferred first: they waited.
SELECT e.entry_key, e.guid_key, e.feed_id, f.outlet, f.language, e.url, e.title
FROM entries e LEFT JOIN feeds f USING (feed_id)
WHERE e.url IS NOT NULL
  AND (e.outcome = 'deferred' OR (e.outcome IN ('fetch_error', 'too_large') AND e.attempts < $max_attempts))
ORDER BY e.outcome <> 'deferred', e.entry_key;
