INSERT INTO articles BY NAME (SELECT *, doc_of(article_id) AS doc FROM batch)
ON CONFLICT (article_id) DO NOTHING;
