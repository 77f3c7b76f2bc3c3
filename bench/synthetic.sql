-- Synthetic warehouse for view timings: getvariable('n') articles over 365 days,
-- 40 outlets, 8 languages, 2 proposals and 4 actors each; 10 % duplicates;
-- two thirds relevant.
INSERT INTO feeds
SELECT 'feed-' || i, 'https://feed' || i || '.example/rss', 'Outlet ' || i, 'en', now()
FROM range(40) t(i);

INSERT INTO feed_state (feed_id, last_success_at, consecutive_failures)
SELECT 'feed-' || i, now(), 0 FROM range(40) t(i);

CREATE TEMP TABLE vocab AS SELECT
    ['us-28-point-plan', 'ceasefire-30-day', 'minerals-deal', 'territorial-concessions',
     'security-guarantees', 'sanctions-relief', 'energy-truce'] AS props,
    ['russia', 'ukraine', 'united-states', 'donald-trump', 'vladimir-putin',
     'volodymyr-zelensky', 'steve-witkoff', 'european-union'] AS acts;

INSERT INTO articles BY NAME
SELECT 'a' || i AS article_id, 'https://site' || (i % 40) || '.example/' || i AS url,
       'feed-' || (i % 40) AS feed_id, 'Outlet ' || (i % 40) AS outlet, 'feed' AS source,
       'Title ' || i AS title, ['Author'] AS authors,
       TIMESTAMPTZ '2025-01-01' + to_days(CAST(i % 365 AS INTEGER)) AS published_at,
       'page' AS date_source, now() AS fetched_at,
       ['en', 'uk', 'ru', 'de', 'fr', 'es', 'it', 'pl'][1 + i % 8] AS language,
       'text' AS text, md5(CAST(i AS VARCHAR)) AS text_hash, 800 AS word_count, 700 AS shingles,
       ''::BLOB AS minhash, CASE WHEN i % 3 = 0 THEN 0.1 ELSE 0.9 END AS relevance,
       'bench' AS taxonomy_version,
       CASE WHEN i % 10 = 0 AND i > 0 THEN 'a' || (i - 1) END AS duplicate_of,
       [props[1 + i % 7], props[1 + (i + 1) % 7]] AS proposals,
       [acts[1 + (i * 7 + j) % 8] FOR j IN range(4)] AS actors,
       'bench' AS run_id
FROM range(getvariable('n')) t(i), vocab;

INSERT INTO labels BY NAME
SELECT article_id, 'proposal' AS kind, unnest(proposals) AS label, 2 AS mentions, 0 AS first_offset,
       'evidence sentence' AS evidence, 'bench' AS taxonomy_version FROM articles
UNION ALL
SELECT article_id, 'actor', unnest(actors), 3, 0, 'evidence sentence', 'bench' FROM articles;

INSERT INTO duplicates
SELECT article_id, duplicate_of, 'near', 0.9, 'bench' FROM articles WHERE duplicate_of IS NOT NULL;
