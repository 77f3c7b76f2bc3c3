-- Stored articles sharing an exact text hash or an LSH bucket with the probe.
WITH hits AS (
    SELECT DISTINCT m.article_id
    FROM probe_bands p JOIN minhash_bands m ON m.band = p.band AND m.bucket = p.bucket
    UNION
    SELECT a.article_id FROM articles a WHERE a.text_hash IN (SELECT text_hash FROM probe_hashes)
)
SELECT a.article_id, a.text_hash, a.minhash, a.shingles, a.published_at, d.duplicate_of
FROM hits JOIN articles a USING (article_id)
LEFT JOIN duplicates d USING (article_id);
