-- Stored articles sharing an exact text hash, an LSH bucket, or a canonical URL
-- key with the probe.
WITH hits AS (
    SELECT DISTINCT m.article_id
    FROM probe_bands p JOIN minhash_bands m ON m.band = p.band AND m.bucket = p.bucket
    UNION
    SELECT a.article_id FROM articles a WHERE a.text_hash IN (SELECT text_hash FROM probe_hashes)
    UNION
    SELECT a.article_id FROM articles a
    WHERE a.canonical_key IN (SELECT url_key FROM probe_urls)
       OR a.article_id IN (SELECT url_key FROM probe_urls)
)
SELECT a.article_id, a.text_hash, a.minhash, a.shingles, a.published_at, a.duplicate_of, a.canonical_key
FROM hits JOIN articles a USING (article_id);
