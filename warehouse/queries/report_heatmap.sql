-- Actor x proposal: unique relevant articles naming both, in [$from, $to].
WITH u AS (
    SELECT unnest(a.actors) AS actor, a.proposals FROM articles a
    JOIN v_unique_relevant_articles r USING (article_id)
    WHERE CAST(COALESCE(r.published_at, r.fetched_at) AS DATE) BETWEEN $from AND $to
)
SELECT actor, proposal, count(*) AS articles FROM u, unnest(u.proposals) AS p(proposal) GROUP BY ALL;
