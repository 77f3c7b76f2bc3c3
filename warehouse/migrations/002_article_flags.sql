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
CREATE INDEX articles_canonical_key ON articles (canonical_key);
