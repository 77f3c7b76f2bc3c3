"""Connections and migrations. Every SQL statement lives in a .sql file.

DuckDB allows one writing process per file, so a read-write connection is
opened only to migrate and to load, and closed at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

HERE = Path(__file__).resolve().parent
MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or used; the message says why and what to do."""


@cache
def sql(name: str) -> str:
    """The text of warehouse/queries/<name>.sql."""
    return (HERE / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def _explain(path: Path, exc: duckdb.Error) -> str:
    text = str(exc)
    if "lock" in text.lower():
        return f"warehouse {path} is locked by another process (an ingest running?): retry later"
    if "read-only" in text.lower() and not path.exists():
        return f"warehouse {path} does not exist yet: run `peacewire ingest` first"
    return f"cannot open warehouse {path}: {text.splitlines()[0]}"


# DuckDB keeps table data it has read in memory up to its limit (by default 80 % of RAM): a lookup in the
# dedup index of 1,000,000 articles then held 1.4 GB. Beyond this it evicts (and spills sorts to disk).
MEMORY_LIMIT = "512MB"


def connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise WarehouseError(f"warehouse {path} does not exist yet: run `peacewire ingest` first")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"cannot create {path.parent}: {exc.strerror}") from None
    try:
        return duckdb.connect(str(path), read_only=read_only, config={"memory_limit": MEMORY_LIMIT})
    except duckdb.Error as exc:
        raise WarehouseError(_explain(path, exc)) from None


@contextmanager
def opened(path: Path, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = connect(path, read_only)
    try:
        yield conn
    finally:
        conn.close()


def migrations() -> list[tuple[int, str, str]]:
    found = []
    for file in sorted((HERE / "migrations").glob("*.sql")):
        match = MIGRATION_NAME.match(file.name)
        if not match:
            raise WarehouseError(f"migration file name {file.name} is not NNN_name.sql")
        found.append((int(match.group(1)), file.stem, file.read_text(encoding="utf-8")))
    return found


def applied(conn: duckdb.DuckDBPyConnection) -> set[int]:
    conn.execute(sql("schema_migrations_create"))
    return {row[0] for row in conn.execute(sql("schema_migrations_list")).fetchall()}


def migrate(conn: duckdb.DuckDBPyConnection, config: dict[str, Any]) -> list[str]:
    """Apply pending migrations and the views; WarehouseError (one line) when the file does not fit."""
    try:
        return _migrate(conn, config)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise WarehouseError(
            f"cannot migrate the warehouse ({first}): is it from another peacewire?"
        ) from None


def _migrate(conn: duckdb.DuckDBPyConnection, config: dict[str, Any]) -> list[str]:
    """Apply pending migrations (one transaction each), then re-apply every view."""
    done = applied(conn)
    new = []
    for version, name, text in migrations():
        if version in done:
            continue
        conn.execute("BEGIN TRANSACTION")
        conn.execute(text)
        conn.execute(sql("schema_migrations_record"), [version, name, datetime.now(UTC)])
        conn.execute("COMMIT")
        new.append(name)
    for key, value in config.items():
        conn.execute(sql("config_upsert"), [key, str(value)])
    for view in sorted((HERE / "views").glob("*.sql")):
        conn.execute(view.read_text(encoding="utf-8"))
    return new
