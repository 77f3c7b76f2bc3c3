-- An article named by its id, its URL or its canonical URL.
SELECT article_id, duplicate_of, title FROM articles
WHERE article_id = $ref OR url = $ref OR canonical_url = $ref
ORDER BY article_id LIMIT 1;
