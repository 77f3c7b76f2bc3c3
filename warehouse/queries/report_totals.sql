-- The report's headline figures for [$from, $to] (days of publication, else of fetching).
SELECT count(*) AS articles,
       count(*) FILTER (WHERE duplicate_of IS NULL) AS unique_articles,
       count(*) FILTER (WHERE duplicate_of IS NULL AND is_relevant) AS unique_relevant,
       count(DISTINCT outlet) AS outlets, count(DISTINCT language) AS languages
FROM v_articles
WHERE CAST(COALESCE(published_at, fetched_at) AS DATE) BETWEEN $from AND $to;
