-- One row per label on an article.
CREATE OR REPLACE VIEW v_labels AS
SELECT article_id, kind, label, mentions, evidence, first_offset, taxonomy_version
FROM labels;
