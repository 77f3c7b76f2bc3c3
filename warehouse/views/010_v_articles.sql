-- The analyst's API: one row per stored article, duplicates included.
CREATE OR REPLACE VIEW v_articles AS
SELECT a.article_id, a.url, a.canonical_url, a.feed_id, a.outlet, a.source, a.title, a.authors,
       a.published_at, a.fetched_at, a.language, a.word_count, a.relevance,
       COALESCE(a.relevance >= (SELECT CAST(value AS DOUBLE) FROM config WHERE key = 'relevance_threshold'), false) AS is_relevant,
       d.duplicate_of
FROM articles a
LEFT JOIN duplicates d USING (article_id);
