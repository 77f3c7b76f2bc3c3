-- Stored articles (seeds and feed articles, copies included), a page at a time.
SELECT article_id, title, text, language FROM articles ORDER BY article_id LIMIT $limit OFFSET $offset;
