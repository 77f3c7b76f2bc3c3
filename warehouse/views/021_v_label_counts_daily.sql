-- Unique relevant articles per label per publication day (fetch day when undated).
CREATE OR REPLACE VIEW v_label_counts_daily AS
SELECT CAST(COALESCE(a.published_at, a.fetched_at) AS DATE) AS day, l.kind, l.label,
       count(*) AS articles, sum(l.mentions) AS mentions
FROM labels l
JOIN v_unique_relevant_articles a USING (article_id)
GROUP BY ALL;
