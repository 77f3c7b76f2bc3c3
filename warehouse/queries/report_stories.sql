-- The most syndicated stories first published in [$from, $to], and who ran them.
SELECT title, outlet, CAST(published_at AS DATE) AS day, copies, copy_outlets,
       array_to_string(list_sort(outlets), ', ') AS outlets, max_lag
FROM v_stories
WHERE CAST(COALESCE(published_at, now()) AS DATE) BETWEEN $from AND $to
ORDER BY copies DESC, copy_outlets DESC, published_at DESC LIMIT $limit;
