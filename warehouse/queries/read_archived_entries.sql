-- Feed entries whose body is in the raw archive, a page at a time (for reextract).
SELECT e.entry_key, e.guid_key, e.feed_id, f.outlet, f.language, e.url, e.title,
       r.content_hash, r.content_type, r.body_zlib, r.url AS final_url
FROM entries e
JOIN raw_pages r ON r.content_hash = e.raw_hash
LEFT JOIN feeds f USING (feed_id)
ORDER BY e.entry_key
LIMIT $limit OFFSET $offset;
