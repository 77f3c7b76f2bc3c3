-- Actor x proposal: unique relevant articles that name both.
CREATE OR REPLACE VIEW v_actor_proposal AS
WITH u AS (
    SELECT unnest(a.actors) AS actor, a.proposals
    FROM articles a
    WHERE a.duplicate_of IS NULL
      AND a.relevance >= (SELECT CAST(value AS DOUBLE) FROM config WHERE key = 'relevance_threshold')
)
SELECT actor, proposal, count(*) AS articles
FROM u, unnest(u.proposals) AS p(proposal)
GROUP BY ALL;
