-- Per proposal, the evidence sentences of the articles that mention it most, in [$from, $to].
SELECT label, evidence, title, outlet, url, CAST(published_at AS DATE) AS day, mentions FROM (
    SELECT *, row_number() OVER (PARTITION BY label ORDER BY mentions DESC, published_at DESC NULLS LAST) AS n
    FROM v_label_evidence
    WHERE kind = 'proposal' AND CAST(COALESCE(published_at, now()) AS DATE) BETWEEN $from AND $to
) WHERE n <= $per_label ORDER BY label, n;
