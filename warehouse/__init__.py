"""The DuckDB warehouse: migrations, views, named queries and idempotent loads."""
