-- 001: the first schema. Natural keys everywhere, so every load can be
-- idempotent (INSERT ... ON CONFLICT DO NOTHING / DO UPDATE).

CREATE TABLE feeds (
    feed_id     VARCHAR PRIMARY KEY,
    url         VARCHAR NOT NULL,
    outlet      VARCHAR NOT NULL,
    language    VARCHAR NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- Incremental state of one feed: read at the start of a run, written at its end.
CREATE TABLE feed_state (
    feed_id              VARCHAR PRIMARY KEY,
    etag                 VARCHAR,
    last_modified        VARCHAR,
    body_hash            VARCHAR,
    last_attempt_at      TIMESTAMPTZ,
    last_success_at      TIMESTAMPTZ,
    last_new_entry_at    TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error           VARCHAR
);

CREATE TABLE runs (
    run_id           VARCHAR PRIMARY KEY,
    flow_run_id      VARCHAR,
    started_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    status           VARCHAR NOT NULL,
    taxonomy_version VARCHAR,
    feeds_ok         INTEGER,
    feeds_failed     INTEGER,
    entries_seen     INTEGER,
    entries_new      INTEGER,
    tally            JSON
);

CREATE TABLE feed_fetches (
    run_id       VARCHAR NOT NULL,
    feed_id      VARCHAR NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    http_status  INTEGER,
    outcome      VARCHAR NOT NULL,   -- ok | not_modified | unchanged | degraded | not_a_feed | fetch_error
    entries_seen INTEGER NOT NULL,
    entries_new  INTEGER NOT NULL,
    bytes        BIGINT,
    duration_ms  INTEGER,
    error        VARCHAR,
    PRIMARY KEY (run_id, feed_id)
);

-- Every feed entry (or seed file) ever seen, with its last outcome.
CREATE TABLE entries (
    entry_key    VARCHAR PRIMARY KEY,  -- url key of the entry link
    guid_key     VARCHAR,
    feed_id      VARCHAR,
    url          VARCHAR,
    title        VARCHAR,
    first_run_id VARCHAR NOT NULL,
    last_run_id  VARCHAR NOT NULL,
    outcome      VARCHAR NOT NULL,     -- loaded | duplicate | no_text | fetch_error | ...
    detail       VARCHAR,
    attempts     INTEGER NOT NULL DEFAULT 1,
    article_id   VARCHAR
);
CREATE INDEX entries_guid ON entries (guid_key);

CREATE TABLE articles (
    article_id    VARCHAR PRIMARY KEY,  -- url key, or 'seed:<file>'
    url           VARCHAR,
    canonical_url VARCHAR,
    guid          VARCHAR,
    feed_id       VARCHAR,
    outlet        VARCHAR,
    source        VARCHAR NOT NULL,     -- seed | feed
    title         VARCHAR,
    authors       VARCHAR[],
    published_at  TIMESTAMPTZ,
    date_source   VARCHAR,
    fetched_at    TIMESTAMPTZ NOT NULL,
    language      VARCHAR,
    site_name     VARCHAR,
    description   VARCHAR,
    text          VARCHAR NOT NULL,
    text_hash     VARCHAR NOT NULL,
    word_count    INTEGER NOT NULL,
    shingles      INTEGER NOT NULL,
    minhash       BLOB NOT NULL,        -- uint32[128], little endian
    raw_hash      VARCHAR,              -- raw_pages.content_hash
    relevance     DOUBLE,
    taxonomy_version VARCHAR,
    -- Denormalised for the analysis views (labels per article as arrays, the
    -- dedup decision): a join of millions of label rows costs 300-400 ms,
    -- an unnest of these arrays 70-150 ms. Written with labels, in one transaction.
    duplicate_of  VARCHAR,
    proposals     VARCHAR[] NOT NULL,
    actors        VARCHAR[] NOT NULL,
    run_id        VARCHAR NOT NULL
);
CREATE INDEX articles_text_hash ON articles (text_hash);

-- Every fetched page body, zlib-compressed, by SHA-256 of the raw bytes.
CREATE TABLE raw_pages (
    content_hash VARCHAR PRIMARY KEY,
    url          VARCHAR NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    content_type VARCHAR,
    size         BIGINT NOT NULL,
    body_zlib    BLOB NOT NULL
);

CREATE TABLE duplicates (
    article_id   VARCHAR PRIMARY KEY,
    duplicate_of VARCHAR NOT NULL,
    method       VARCHAR NOT NULL,     -- exact | near | containment
    similarity   DOUBLE NOT NULL,
    run_id       VARCHAR NOT NULL
);

-- The LSH index: a candidate is a join on (band, bucket).
CREATE TABLE minhash_bands (
    band       SMALLINT NOT NULL,
    bucket     BIGINT NOT NULL,
    article_id VARCHAR NOT NULL
);

CREATE TABLE labels (
    article_id       VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,  -- proposal | actor
    label            VARCHAR NOT NULL,
    mentions         INTEGER NOT NULL,
    first_offset     INTEGER NOT NULL,
    evidence         VARCHAR NOT NULL,
    taxonomy_version VARCHAR NOT NULL,
    PRIMARY KEY (article_id, kind, label)
);

-- Settings the views need (written by every migrate from the settings module).
CREATE TABLE config (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
