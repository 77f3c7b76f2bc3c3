-- 002: extraction flags. truncated: paywalled or cut text (the feed's text is
-- kept when it is longer); date_flag: an implausible page date.
ALTER TABLE articles ADD COLUMN truncated BOOLEAN DEFAULT false;
ALTER TABLE articles ADD COLUMN date_flag VARCHAR;
