-- Actor x proposal co-mentions in unique relevant articles.
CREATE OR REPLACE VIEW v_actor_proposal AS
SELECT ac.label AS actor, pr.label AS proposal, count(*) AS articles
FROM labels ac
JOIN labels pr ON pr.article_id = ac.article_id AND pr.kind = 'proposal'
JOIN v_unique_relevant_articles u ON u.article_id = ac.article_id
WHERE ac.kind = 'actor'
GROUP BY ALL;
