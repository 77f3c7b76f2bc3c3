INSERT INTO feeds SELECT feed_id, url, outlet, language, updated_at FROM batch
ON CONFLICT (feed_id) DO UPDATE SET url = excluded.url, outlet = excluded.outlet,
    language = excluded.language, updated_at = excluded.updated_at;
