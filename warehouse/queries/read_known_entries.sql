-- Entries of the probe that need no fetch: already an article, or ended in a
-- final outcome, or failed too often. Matched by URL key, by feed GUID key, or
-- by the alias of a decoded link (the Google News link the publisher's URL came from).
SELECT p.entry_key, e.outcome, e.article_id
FROM probe p
JOIN entries e ON e.entry_key = p.entry_key
    OR (p.guid_key IS NOT NULL AND e.guid_key = p.guid_key)
    OR (p.alias_key IS NOT NULL AND e.alias_key = p.alias_key)
    OR e.alias_key = p.entry_key
WHERE e.outcome NOT IN ('fetch_error', 'too_large', 'deferred') OR e.attempts >= $max_attempts
UNION ALL
SELECT p.entry_key, 'loaded', a.article_id FROM probe p JOIN articles a ON a.article_id = p.entry_key;
