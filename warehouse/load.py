"""Bulk, idempotent loads and the reads the pipeline needs.

Rows arrive as plain column dicts (``{"col": [values...]}``), become one Arrow
table each, and are inserted with one statement per table inside one
transaction: a batch is either all in the warehouse or not at all.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.db import WarehouseError, opened, sql

Columns = Mapping[str, Sequence[Any]]
# Load order matters only for readability; everything is one transaction.
TABLES = (
    "retagged",
    "replaced",
    "feeds",
    "raw_pages",
    "lsh_index",
    "articles",
    "duplicates",
    "relinks",
    "dedup_decisions",
    "labels",
    "entries",
    "entries_seen",
    "entry_outcomes",
    "feed_state",
    "feed_fetches",
    "runs",
)
SCHEMAS: dict[str, dict[str, pa.DataType]] = {
    "articles": {
        "authors": pa.list_(pa.string()),
        "minhash": pa.binary(),
        "proposals": pa.list_(pa.string()),
        "actors": pa.list_(pa.string()),
        "duplicate_of": pa.string(),
        "updated_at": pa.timestamp("us", tz="UTC"),
        "date_flag": pa.string(),
        "canonical_key": pa.string(),
        "published_at": pa.timestamp("us", tz="UTC"),
        "relevance": pa.float64(),
    },
    "raw_pages": {"body_zlib": pa.binary()},
    "lsh_index": {"key": pa.int32()},
    "dedup_decisions": {"score": pa.float64(), "threshold": pa.float64()},
    "duplicates": {"similarity": pa.float64()},
    "relinks": {"similarity": pa.float64()},
    "retagged": {
        "proposals": pa.list_(pa.string()),
        "actors": pa.list_(pa.string()),
        "relevance": pa.float64(),
    },
    "probe": {"entry_key": pa.string(), "guid_key": pa.string(), "alias_key": pa.string()},
    "probe_keys": {"key": pa.int32()},
    "probe_hashes": {"text_hash": pa.string()},
    "probe_urls": {"url_key": pa.string()},
}


def _rows(columns: Columns) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def to_arrow(table: str, columns: Columns) -> pa.Table:
    types = SCHEMAS.get(table, {})
    arrays = {name: pa.array(list(values), type=types.get(name)) for name, values in columns.items()}
    return pa.table(arrays)


def _insert(conn: duckdb.DuckDBPyConnection, table: str, columns: Columns) -> None:
    if _rows(columns) == 0:
        return
    conn.register("batch", to_arrow(table, columns))
    try:
        conn.execute(sql(f"load_{table}"))
    finally:
        conn.unregister("batch")


# DuckDB's words when the operating system refuses a write (a full disk, a read-only or vanished file system).
WRITE_FAILED = re.compile(
    r'Could not (?:write|extend|truncate|fsync|create)[^"]*"(?P<path>[^"]+)": (?P<cause>[^\n]+)'
)


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """End the failed transaction; after a failed COMMIT DuckDB has ended it already (ROLLBACK then fails)."""
    with contextlib.suppress(duckdb.Error):
        conn.execute("ROLLBACK")


def write_failure(exc: Exception) -> str | None:
    """One line for a write the operating system refused ("No space left on device"), naming the file."""
    found = WRITE_FAILED.search(str(exc)) if isinstance(exc, duckdb.Error) else None
    if found is None:
        return None
    return (
        f"cannot write to {found['path']}: {found['cause'].strip()} (the batch was rolled back; "
        "everything committed before it is kept: free space and run again)"
    )


Work = Callable[[duckdb.DuckDBPyConnection], None]


def _in_transaction(conn: duckdb.DuckDBPyConnection, work: Work) -> str | None:
    """work(conn) in one transaction; on an error roll back, and return the one line of a write the
    operating system refused (any other error is raised as it is)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        work(conn)
        conn.execute("COMMIT")
    except Exception as exc:
        _rollback(conn)
        refused = write_failure(exc)
        if refused is None:
            raise
        return refused
    return None


def _transaction(db: Path, work: Work) -> None:
    """work(conn) in one read-write transaction on db. A refused write is raised as WarehouseError once the
    connection is closed and released (a traceback holding it made DuckDB report leaks at exit)."""
    with opened(db, read_only=False) as conn:
        refused = _in_transaction(conn, work)
    del conn
    if refused is not None:
        raise WarehouseError(refused)


def load(db: Path, batch: Mapping[str, Columns]) -> dict[str, int]:
    """Insert every table of the batch in one transaction; returns rows offered per table."""
    unknown = set(batch) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables in batch: {sorted(unknown)}")

    def insert_all(conn: duckdb.DuckDBPyConnection) -> None:
        for table in TABLES:
            _insert(conn, table, batch.get(table, {}))

    _transaction(db, insert_all)
    return {t: _rows(c) for t, c in batch.items()}


@contextmanager
def probed(db: Path, probes: Mapping[str, Columns] | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection with the probe tables registered under their names."""
    with opened(db, read_only=True) as conn:
        for name, columns in (probes or {}).items():
            conn.register(name, to_arrow(name, columns))
        yield conn


def read(
    db: Path, query: str, params: Mapping[str, Any] | None = None, probes: Mapping[str, Columns] | None = None
) -> list[tuple[Any, ...]]:
    """Run a named read query read-only (no rows from a warehouse that does not exist yet)."""
    if not db.exists():
        return []
    with probed(db, probes) as conn:
        return conn.execute(sql(query), dict(params or {})).fetchall()


def read_arrow(db: Path, query: str, probes: Mapping[str, Columns]) -> pa.Table | None:
    """A named read query's result as an Arrow table (large results, converted column-wise)."""
    if not db.exists():
        return None
    with probed(db, probes) as conn:
        return conn.sql(sql(query)).to_arrow_table()


def apply(db: Path, name: str, params: Mapping[str, Any]) -> None:
    """Run every statement of a named .sql file in one transaction (a user's edit)."""
    statements = [s for s in sql(name).split(";\n") if s.strip() and not _comment_only(s)]

    def run_all(conn: duckdb.DuckDBPyConnection) -> None:
        for statement in statements:
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            conn.execute(statement, used)

    _transaction(db, run_all)


def _comment_only(statement: str) -> bool:
    return all(line.strip().startswith("--") or not line.strip() for line in statement.splitlines())
