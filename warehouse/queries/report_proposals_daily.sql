-- Unique relevant articles per day that discuss each proposal, in [$from, $to].
SELECT day, label AS proposal, articles FROM v_label_counts_daily
WHERE kind = 'proposal' AND day BETWEEN $from AND $to ORDER BY day, label;
