-- Rows of articles about to be rebuilt (reextract): removed in the load's transaction.
DELETE FROM labels WHERE article_id IN (SELECT article_id FROM batch);
DELETE FROM duplicates WHERE article_id IN (SELECT article_id FROM batch);
DELETE FROM lsh_index WHERE doc IN (SELECT doc_of(article_id) FROM batch);
DELETE FROM articles WHERE article_id IN (SELECT article_id FROM batch);
