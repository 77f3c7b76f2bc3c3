INSERT INTO labels BY NAME (SELECT * FROM batch)
ON CONFLICT (article_id, kind, label) DO UPDATE SET mentions = excluded.mentions,
    first_offset = excluded.first_offset, evidence = excluded.evidence,
    taxonomy_version = excluded.taxonomy_version;
