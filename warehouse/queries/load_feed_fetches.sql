INSERT INTO feed_fetches BY NAME (SELECT * FROM batch) ON CONFLICT (run_id, feed_id) DO NOTHING;
