-- A new outcome for entries that were processed again from the archive (fetch attempts unchanged).
UPDATE entries SET outcome = b.outcome, detail = b.detail, article_id = b.article_id
FROM batch b WHERE entries.entry_key = b.entry_key;
