-- Why an article is (or is not) a copy: its current link, every comparison, and the overrides.
SELECT d.decided_at, d.run_id, d.candidate_id, d.method, round(d.score, 4) AS score, d.threshold,
       d.decision, c.title AS candidate_title
FROM dedup_decisions d LEFT JOIN articles c ON c.article_id = d.candidate_id
WHERE d.article_id = $id
ORDER BY d.decided_at, d.decision DESC, d.score DESC;
