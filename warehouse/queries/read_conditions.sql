SELECT kind, subject, detail FROM v_conditions ORDER BY kind, subject;
