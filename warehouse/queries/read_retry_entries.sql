-- Entries whose page could not be fetched yet, to try again (bounded by attempts).
SELECT e.entry_key, e.guid_key, e.feed_id, f.outlet, f.language, e.url, e.title
FROM entries e LEFT JOIN feeds f USING (feed_id)
WHERE e.outcome IN ('fetch_error', 'too_large') AND e.attempts < $max_attempts
ORDER BY e.entry_key;
