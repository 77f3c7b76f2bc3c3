-- Per outlet and language: stored, unique, relevant articles and copies.
CREATE OR REPLACE VIEW v_outlet_coverage AS
SELECT COALESCE(outlet, '(seed corpus)') AS outlet, language,
       count(*) AS articles,
       count(*) FILTER (WHERE duplicate_of IS NULL) AS unique_articles,
       count(*) FILTER (WHERE duplicate_of IS NULL AND is_relevant) AS unique_relevant,
       count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS copies,
       max(published_at) AS latest_published
FROM v_articles
GROUP BY ALL;
