SELECT article_id, other_id, verdict FROM dedup_overrides;
