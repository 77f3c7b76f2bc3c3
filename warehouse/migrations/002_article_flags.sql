-- 002: extraction details. truncated: paywalled or cut text (the feed's text
-- is kept when it is longer); date_flag: an implausible page date; updated_at:
-- the page's modification date; canonical_key: key of the page's own canonical
-- URL (<link rel=canonical> / og:url), so a page reached by another link is
-- recognised as the same article.
ALTER TABLE articles ADD COLUMN truncated BOOLEAN DEFAULT false;
ALTER TABLE articles ADD COLUMN date_flag VARCHAR;
ALTER TABLE articles ADD COLUMN updated_at TIMESTAMPTZ;
ALTER TABLE articles ADD COLUMN canonical_key VARCHAR;
-- The charset a page or feed was decoded from (header, BOM, declaration, or detection).
ALTER TABLE articles ADD COLUMN charset VARCHAR;
ALTER TABLE feed_fetches ADD COLUMN charset VARCHAR;
-- The archived body of every fetched entry, so `peacewire reextract` can rebuild
-- articles (and retry no_text / not_article pages) without the network.
ALTER TABLE entries ADD COLUMN raw_hash VARCHAR;
-- The key of the link as the feed gave it, when we fetched another URL (a Google
-- News link decoded to the publisher's): an alias for "already seen".
ALTER TABLE entries ADD COLUMN alias_key VARCHAR;
-- Adaptive polling: a feed is polled again at next_poll_at (see extractors/schedule.py).
ALTER TABLE feed_state ADD COLUMN interval_s INTEGER;
ALTER TABLE feed_state ADD COLUMN next_poll_at TIMESTAMPTZ;
CREATE INDEX articles_canonical_key ON articles (canonical_key);
