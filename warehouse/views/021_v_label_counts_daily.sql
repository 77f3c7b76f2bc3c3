-- Unique relevant articles per label per publication day (fetch day when undated).
-- Reads the label arrays on articles (fast); per-label mentions are in v_labels.
CREATE OR REPLACE VIEW v_label_counts_daily AS
WITH u AS (
    SELECT CAST(COALESCE(a.published_at, a.fetched_at) AS DATE) AS day, a.proposals, a.actors
    FROM articles a JOIN v_unique_relevant_articles r USING (article_id)
), flat AS (
    SELECT day, 'proposal' AS kind, unnest(proposals) AS label FROM u
    UNION ALL
    SELECT day, 'actor' AS kind, unnest(actors) AS label FROM u
)
SELECT day, kind, label, count(*) AS articles FROM flat GROUP BY ALL;
