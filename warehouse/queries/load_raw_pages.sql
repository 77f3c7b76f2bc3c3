INSERT INTO raw_pages SELECT content_hash, url, fetched_at, content_type, size, body_zlib FROM batch
ON CONFLICT (content_hash) DO NOTHING;
