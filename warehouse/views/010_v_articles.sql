-- The analyst's API: one row per stored article, duplicates included.
CREATE OR REPLACE VIEW v_articles AS
SELECT article_id, url, canonical_url, feed_id, outlet, source, title, authors,
       published_at, fetched_at, language, word_count, relevance,
       COALESCE(relevance >= (SELECT CAST(value AS DOUBLE) FROM config WHERE key = 'relevance_threshold'),
                false) AS is_relevant,
       duplicate_of
FROM articles;
