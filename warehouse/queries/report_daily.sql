-- Unique relevant articles per day, outlet and language in [$from, $to].
SELECT CAST(COALESCE(published_at, fetched_at) AS DATE) AS day, COALESCE(outlet, '(seed corpus)') AS outlet,
       COALESCE(language, '?') AS language, count(*) AS articles
FROM v_unique_relevant_articles
WHERE CAST(COALESCE(published_at, fetched_at) AS DATE) BETWEEN $from AND $to
GROUP BY ALL ORDER BY day;
