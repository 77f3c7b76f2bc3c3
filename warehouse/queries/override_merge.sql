-- `peacewire dedup merge`: $id copies $other (linked to $other's original), now or later.
INSERT INTO dedup_overrides VALUES ($id, $other, 'duplicate', $note, $at)
ON CONFLICT (article_id, other_id) DO UPDATE SET verdict = 'duplicate', note = excluded.note,
                                                 created_at = excluded.created_at;
INSERT INTO dedup_decisions VALUES ($id, $other, 'override', 1.0, 1.0, 'merged', 'user:' || $at::VARCHAR, $at);
INSERT INTO duplicates
SELECT $id, coalesce(duplicate_of, article_id), 'override', 1.0, 'user' FROM articles WHERE article_id = $other
ON CONFLICT (article_id) DO UPDATE SET duplicate_of = excluded.duplicate_of, method = 'override',
                                       similarity = 1.0, run_id = 'user';
UPDATE articles SET duplicate_of = (SELECT duplicate_of FROM duplicates WHERE article_id = $id)
WHERE article_id = $id;
