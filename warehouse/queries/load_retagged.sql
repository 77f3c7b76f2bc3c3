-- New labels for re-tagged articles: old labels removed, relevance and label arrays updated.
DELETE FROM labels WHERE article_id IN (SELECT article_id FROM batch);
UPDATE articles SET relevance = b.relevance, taxonomy_version = b.taxonomy_version,
                    proposals = b.proposals, actors = b.actors
FROM batch b WHERE articles.article_id = b.article_id;
