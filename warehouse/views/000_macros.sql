-- The article as a 64-bit number, for the LSH index (migration 003).
CREATE OR REPLACE MACRO doc_of(article_id) AS (md5_number_lower(article_id) >> 1)::BIGINT;
