-- A stored original superseded by an earlier-published copy of this batch (the earliest published
-- is the original): it and its copies now link to the new original. Runs after `articles` and
-- `duplicates` of the same transaction.
UPDATE articles SET duplicate_of = b.new_root FROM batch b WHERE articles.duplicate_of = b.old_root;
UPDATE articles SET duplicate_of = b.new_root FROM batch b WHERE articles.article_id = b.old_root;
UPDATE duplicates SET duplicate_of = b.new_root FROM batch b WHERE duplicates.duplicate_of = b.old_root;
INSERT INTO duplicates SELECT old_root, new_root, method, similarity, run_id FROM batch
ON CONFLICT (article_id) DO UPDATE SET duplicate_of = excluded.duplicate_of, method = excluded.method,
                                       similarity = excluded.similarity, run_id = excluded.run_id;
