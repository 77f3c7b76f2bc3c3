"""Pure functions from bytes/str to frozen dataclasses (no network but http.py, no DuckDB, no Prefect)."""
