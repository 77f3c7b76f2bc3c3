-- Tables and views of the open database's main schema (what another application may have put there).
SELECT table_name FROM information_schema.tables
WHERE table_catalog = current_database() AND table_schema = 'main'
ORDER BY table_name;
