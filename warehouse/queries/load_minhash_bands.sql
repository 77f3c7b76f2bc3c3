-- Only for articles that are not indexed yet (a rerun adds nothing).
INSERT INTO minhash_bands
SELECT b.band, b.bucket, b.article_id FROM batch b
WHERE b.article_id NOT IN (SELECT DISTINCT article_id FROM minhash_bands m
                           WHERE m.article_id IN (SELECT article_id FROM batch));
