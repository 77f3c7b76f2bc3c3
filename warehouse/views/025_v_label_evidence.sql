-- The sentence that justifies each label, with the article it comes from (unique relevant articles).
CREATE OR REPLACE VIEW v_label_evidence AS
SELECT l.kind, l.label, l.evidence, l.mentions, a.article_id, a.title, a.outlet, a.language, a.published_at, a.url
FROM labels l JOIN v_unique_relevant_articles a USING (article_id);
