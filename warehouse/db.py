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


class QueryError(ValueError):
    """An analyst's query that is refused or fails; the message is one line."""


@cache
def sql(name: str) -> str:
    """The text of warehouse/queries/<name>.sql."""
    return (HERE / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


# Bytes 8-11 of every DuckDB database file.
DUCKDB_MAGIC = b"DUCK"
SHOWN_TABLES = 3  # tables named when a file is not a peacewire warehouse


def _not_duckdb(path: Path) -> str | None:
    """Why an existing, non-empty file is not a DuckDB database (read before DuckDB touches it)."""
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        return f"cannot read warehouse {path}: {exc.strerror}"
    if not head:
        return f"warehouse {path} is an empty file, not a DuckDB database: remove it to start a new warehouse"
    if head[8:12] == DUCKDB_MAGIC:
        return None
    kind = "a SQLite database" if head.startswith(b"SQLite format 3") else "not a DuckDB database file"
    return f"warehouse {path} is {kind} (made by another application?): left untouched"


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
# Every connection: the pipeline needs only the extensions built into the wheel (json, parquet, icu), and a
# warehouse must never make DuckDB download code (opening a SQLite file as a warehouse did: sqlite_scanner).
CONFIG: dict[str, str | bool] = {
    "memory_limit": MEMORY_LIMIT,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}
# Read-only connections run analysts' SQL (`peacewire query`, `feeds`, `status`, `report`): they reach the
# warehouse and nothing else. No files (read_csv, glob, COPY ... TO, EXPORT, ATTACH), no extensions (INSTALL,
# LOAD), and the configuration locked so that no SET turns either back on. Sorts still spill to <db>.tmp.
READ_ONLY_CONFIG: dict[str, str | bool] = {
    **CONFIG,
    "enable_external_access": False,
    "lock_configuration": True,
}


def connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise WarehouseError(f"warehouse {path} does not exist yet: run `peacewire ingest` first")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarehouseError(f"cannot create {path.parent}: {exc.strerror}") from None
    problem = _not_duckdb(path) if path.is_file() else None
    if problem:
        raise WarehouseError(problem)
    config = READ_ONLY_CONFIG if read_only else CONFIG
    try:
        return duckdb.connect(str(path), read_only=read_only, config=dict(config))
    except duckdb.Error as exc:
        raise WarehouseError(_explain(path, exc)) from None


@contextmanager
def opened(path: Path, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = connect(path, read_only)
    try:
        yield conn
    finally:
        conn.close()


def one_statement(query: str) -> str:
    """The query if it is exactly one SQL statement, split by DuckDB's own parser (not on ';')."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {_first_line(exc)}") from None
    if not statements:
        raise QueryError("the query is empty (only blanks or comments): give one SQL statement")
    if len(statements) > 1:
        raise QueryError(f"the query holds {len(statements)} statements: give exactly one")
    return query


def _query_error(exc: duckdb.Error) -> str:
    first = _first_line(exc)
    if isinstance(exc, duckdb.PermissionException):
        return f"query refused: {first} (queries reach the warehouse's tables and views only)"
    if "configuration has been locked" in first:
        return f"query refused: {first} (settings cannot be changed by a query)"
    if "read-only" in first.lower():
        return "the warehouse is opened read-only: only queries (SELECT, WITH, DESCRIBE ...) are allowed"
    return f"query failed: {first}"


def run_query(path: Path, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of one analyst statement, on a read-only, file-less connection."""
    one_statement(query)
    with opened(path, read_only=True) as conn:
        try:
            cur = conn.execute(query)
            return [d[0] for d in cur.description or []], cur.fetchall()
        except duckdb.Error as exc:
            raise QueryError(_query_error(exc)) from None


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


def check_ours(conn: duckdb.DuckDBPyConnection) -> None:
    """WarehouseError unless the file is empty or a peacewire warehouse: reads only, before any write."""
    where = conn.execute(sql("read_database_path")).fetchone()
    tables = [row[0] for row in conn.execute(sql("read_user_tables")).fetchall()]
    if not tables:
        return
    path = where[0] if where else "the warehouse"
    if "schema_migrations" not in tables:
        shown = ", ".join(tables[:SHOWN_TABLES]) + (", ..." if len(tables) > SHOWN_TABLES else "")
        raise WarehouseError(
            f"{path} has tables ({shown}) but no schema_migrations: not a peacewire warehouse, left untouched"
        )
    ours = {version: name for version, name, _ in migrations()}
    for version, name in conn.execute(sql("schema_migrations_recorded")).fetchall():
        if version not in ours:
            raise WarehouseError(
                f"{path} records migration {version} {name!r}, unknown to this peacewire "
                "(made by a newer one?): left untouched"
            )
        if ours[version] != name:
            raise WarehouseError(
                f"{path} records migration {version} as {name!r}, peacewire's is "
                f"{ours[version]!r}: not a peacewire warehouse, left untouched"
            )


def _migrate(conn: duckdb.DuckDBPyConnection, config: dict[str, Any]) -> list[str]:
    """Check the file is ours, apply pending migrations (one transaction each), then re-apply every view."""
    check_ours(conn)
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
