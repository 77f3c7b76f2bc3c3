-- Syndication: per original article, its copies, the outlets that ran them, and how late.
CREATE OR REPLACE VIEW v_story_copies AS
SELECT o.article_id AS original_id, o.title AS original_title, o.outlet AS original_outlet,
       o.published_at AS original_published_at, c.article_id AS copy_id, c.outlet AS copy_outlet,
       c.url AS copy_url, d.method, d.similarity,
       c.published_at - o.published_at AS lag
FROM articles c
JOIN duplicates d ON d.article_id = c.article_id
JOIN articles o ON o.article_id = c.duplicate_of;

CREATE OR REPLACE VIEW v_stories AS
SELECT original_id, any_value(original_title) AS title, any_value(original_outlet) AS outlet,
       any_value(original_published_at) AS published_at, count(*) AS copies,
       count(DISTINCT copy_outlet) AS copy_outlets, list(DISTINCT copy_outlet) AS outlets,
       max(lag) AS max_lag
FROM v_story_copies
GROUP BY original_id;
