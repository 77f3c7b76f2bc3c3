INSERT INTO duplicates BY NAME (SELECT * FROM batch) ON CONFLICT (article_id) DO NOTHING;
