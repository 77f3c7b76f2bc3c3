-- 003: the LSH index as one BIGINT column, the dedup audit trail, and overrides.
--
-- lsh_index: one row per (article, band). `key` is the low 32 bits of the band's
-- hash with the band number XOR-ed into bits 25-30 (extractors/dedup.py band_keys),
-- `doc` the article as a 64-bit number (doc_of(article_id), views/000_macros.sql).
-- A lookup is a one-column hash join that reads 12 bytes a row: at 64 million rows
-- (1,000,000 articles) it scans 4x less than (band, bucket, article_id).
CREATE TABLE lsh_index (
    key INTEGER NOT NULL,
    doc BIGINT NOT NULL
);
ALTER TABLE articles ADD COLUMN doc BIGINT;
UPDATE articles SET doc = (md5_number_lower(article_id) >> 1)::BIGINT;
INSERT INTO lsh_index
SELECT xor(CAST(CASE WHEN (m.bucket & 4294967295) >= 2147483648 THEN (m.bucket & 4294967295) - 4294967296
                     ELSE m.bucket & 4294967295 END AS INTEGER), CAST(m.band AS INTEGER) << 25), a.doc
FROM minhash_bands m JOIN articles a USING (article_id);
DROP TABLE minhash_bands;

-- Every comparison a dedup decision made: the pair, how it was compared, the
-- score, the bar it had to clear, and whether the article was merged into the
-- candidate. A rerun of the same article (reextract) adds rows under its run.
CREATE TABLE dedup_decisions (
    article_id   VARCHAR NOT NULL,
    candidate_id VARCHAR NOT NULL,
    method       VARCHAR NOT NULL,     -- exact | url | near | containment | override
    score        DOUBLE NOT NULL,
    threshold    DOUBLE NOT NULL,
    decision     VARCHAR NOT NULL,     -- merged | kept_apart
    run_id       VARCHAR NOT NULL,
    decided_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, candidate_id, run_id)
);

-- A user's corrections (`peacewire dedup split|merge`), applied by every later decision.
CREATE TABLE dedup_overrides (
    article_id VARCHAR NOT NULL,
    other_id   VARCHAR NOT NULL,
    verdict    VARCHAR NOT NULL,       -- distinct | duplicate
    note       VARCHAR,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, other_id)
);
