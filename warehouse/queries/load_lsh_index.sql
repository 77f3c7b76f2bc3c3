-- Loaded before `articles` in the same transaction: only articles not stored
-- yet are indexed, so a rerun adds nothing.
INSERT INTO lsh_index
SELECT b.key, doc_of(b.article_id) FROM batch b
WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.article_id = b.article_id);
