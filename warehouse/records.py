"""Query results as named, typed records, never positional tuples.

`read_records` runs a named query and builds one frozen dataclass per row; the first time a query is read
into a record type, the dataclass's fields are checked against the query's columns (names and order), so a
column added, dropped or moved in a .sql file raises at once, naming both, instead of shifting values into
the wrong fields. A record a stage computes on lives beside the stage (`extractors.model.FeedState`); the
records here are read by the warehouse's own callers: the flows, the report, the CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from warehouse.db import sql
from warehouse.load import Columns, probed

R = TypeVar("R")
_checked: set[tuple[str, type[Any]]] = set()


class ColumnMismatch(TypeError):
    """A query's columns are not the fields of the record it is read into (a programming error)."""


def check_columns(query: str, record: type[Any], columns: list[str]) -> None:
    """ColumnMismatch unless the query's columns are the record's fields, in order."""
    names = [f.name for f in fields(record)]
    if columns != names:
        raise ColumnMismatch(
            f"warehouse/queries/{query}.sql returns columns ({', '.join(columns)}) but {record.__name__} "
            f"has fields ({', '.join(names)})"
        )


def read_records(
    db: Path,
    query: str,
    record: type[R],
    params: Mapping[str, Any] | None = None,
    probes: Mapping[str, Columns] | None = None,
) -> list[R]:
    """Every row of a named read query as a record (none from a warehouse that does not exist yet)."""
    assert is_dataclass(record), record
    if not db.exists():
        return []
    with probed(db, probes) as conn:
        cursor = conn.execute(sql(query), dict(params or {}))
        if (query, record) not in _checked:
            check_columns(query, record, [d[0] for d in cursor.description or []])
            _checked.add((query, record))
        return [record(*row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Key:
    """One id (read_seed_ids)."""

    article_id: str


@dataclass(frozen=True)
class KnownEntry:
    """An entry that needs no fetch (read_known_entries): stored, final, or out of attempts."""

    entry_key: str
    outcome: str
    article_id: str | None


@dataclass(frozen=True)
class StoredEntry:
    """An entry to fetch again (read_retry_entries)."""

    entry_key: str
    guid_key: str | None
    feed_id: str | None
    outlet: str | None
    language: str | None
    url: str
    title: str | None


@dataclass(frozen=True)
class ArchivedEntry:
    """An entry whose page is in the raw archive (read_archived_entries), for reextract."""

    entry_key: str
    guid_key: str | None
    feed_id: str | None
    outlet: str | None
    language: str | None
    url: str | None
    title: str | None
    content_hash: str
    content_type: str | None
    body_zlib: bytes
    final_url: str | None


@dataclass(frozen=True)
class StoredText:
    """A stored article's text (read_articles_for_retag)."""

    article_id: str
    title: str | None
    text: str
    language: str | None  # the lemmatiser's language (extractors.tagging.tag)


@dataclass(frozen=True)
class Override:
    """A user's dedup correction (read_dedup_overrides): verdict 'distinct' or 'duplicate'."""

    article_id: str
    other_id: str
    verdict: str


@dataclass(frozen=True)
class ArticleRef:
    """An article named by id, URL or canonical URL (read_article_ref)."""

    article_id: str
    duplicate_of: str | None
    title: str | None


@dataclass(frozen=True)
class Condition:
    """Something that needs attention (read_conditions; kinds in warehouse/views/027_v_conditions.sql)."""

    kind: str
    subject: str
    detail: str


@dataclass(frozen=True)
class DayCount:
    """Unique relevant articles of a day, outlet and language (report_daily)."""

    day: date
    outlet: str
    language: str
    articles: int


@dataclass(frozen=True)
class ProposalDay:
    """Unique relevant articles of a day that discuss a proposal (report_proposals_daily)."""

    day: date
    proposal: str
    articles: int


@dataclass(frozen=True)
class CoMention:
    """Unique relevant articles naming an actor and a proposal (report_heatmap)."""

    actor: str
    proposal: str
    articles: int


@dataclass(frozen=True)
class Evidence:
    """An evidence sentence of a proposal (report_evidence)."""

    label: str
    evidence: str
    title: str | None
    outlet: str | None
    url: str | None
    day: date | None
    mentions: int


@dataclass(frozen=True)
class Totals:
    """The report's headline figures (report_totals)."""

    articles: int
    unique_articles: int
    unique_relevant: int
    outlets: int
    languages: int


@dataclass(frozen=True)
class RunRow:
    """A recent run as `peacewire status` shows it (read_recent_runs)."""

    run_id: str
    started_utc: datetime | str
    status: str
    seconds: float | None
    feeds_ok: int | None
    feeds_failed: int | None
    entries_new: int | None
    loaded: int
    duplicates: int
    fetch_errors: int
