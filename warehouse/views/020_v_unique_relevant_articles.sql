-- Originals (not copies) about the negotiations.
CREATE OR REPLACE VIEW v_unique_relevant_articles AS
SELECT * FROM v_articles WHERE duplicate_of IS NULL AND is_relevant;
