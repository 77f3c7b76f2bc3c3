SELECT article_id FROM articles WHERE source = 'seed';
