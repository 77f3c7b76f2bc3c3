-- `peacewire dedup split`: $id is not a copy of what it was linked to, now or later.
INSERT INTO dedup_overrides
SELECT article_id, duplicate_of, 'distinct', $note, $at FROM articles
WHERE article_id = $id AND duplicate_of IS NOT NULL
ON CONFLICT (article_id, other_id) DO UPDATE SET verdict = 'distinct', note = excluded.note,
                                                 created_at = excluded.created_at;
INSERT INTO dedup_decisions
SELECT article_id, duplicate_of, 'override', 0.0, 0.0, 'kept_apart', 'user:' || $at::VARCHAR, $at
FROM articles WHERE article_id = $id AND duplicate_of IS NOT NULL;
DELETE FROM duplicates WHERE article_id = $id;
UPDATE articles SET duplicate_of = NULL WHERE article_id = $id;
