-- Stored articles sharing an LSH key, an exact text hash, or a canonical URL key
-- with the probe, each with the probe keys it shares (all dedup needs of its
-- keys: the batch finds it through them). The LSH part is one hash join of the
-- probe's keys against lsh_index (built on the probe, the index streamed: memory
-- does not grow with the index).
WITH near AS (
    SELECT l.doc, list(DISTINCT p.key) AS keys FROM probe_keys p JOIN lsh_index l USING (key) GROUP BY l.doc
), hits AS (
    SELECT a.article_id FROM articles a WHERE a.doc IN (SELECT doc FROM near)
    UNION
    SELECT a.article_id FROM articles a WHERE a.text_hash IN (SELECT text_hash FROM probe_hashes)
    UNION
    SELECT a.article_id FROM articles a
    WHERE a.canonical_key IN (SELECT url_key FROM probe_urls)
       OR a.article_id IN (SELECT url_key FROM probe_urls)
)
SELECT a.article_id, a.text_hash, a.minhash, a.shingles, a.published_at, a.duplicate_of, a.canonical_key,
       coalesce(n.keys, []) AS keys
FROM hits JOIN articles a USING (article_id) LEFT JOIN near n ON n.doc = a.doc;
