"""Query results read into records: every record matches its query's columns, a mismatch names both."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from extractors.model import FeedState
from peacewire.settings import load_settings
from warehouse import load as wh
from warehouse import records as r
from warehouse.db import migrate, opened

PERIOD = {"from": date(2026, 1, 1), "to": date(2026, 1, 31)}
PROBE = {"probe": {"entry_key": ["k"], "guid_key": [None], "alias_key": [None]}}
# Every query the code reads by column, the record it is read into, and parameters to run it with.
READS: list[tuple[str, type[Any], dict[str, Any], dict[str, Any] | None]] = [
    ("read_feed_state", FeedState, {}, None),
    ("read_seed_ids", r.Key, {}, None),
    ("read_known_entries", r.KnownEntry, {"max_attempts": 5}, PROBE),
    ("read_retry_entries", r.StoredEntry, {"max_attempts": 5}, None),
    ("read_archived_entries", r.ArchivedEntry, {"limit": 1, "offset": 0}, None),
    ("read_articles_for_retag", r.StoredText, {"limit": 1, "offset": 0}, None),
    ("read_dedup_overrides", r.Override, {}, None),
    ("read_article_ref", r.ArticleRef, {"ref": "x"}, None),
    ("read_conditions", r.Condition, {}, None),
    ("read_recent_runs", r.RunRow, {"limit": 1}, None),
    ("report_daily", r.DayCount, PERIOD, None),
    ("report_proposals_daily", r.ProposalDay, PERIOD, None),
    ("report_heatmap", r.CoMention, PERIOD, None),
    ("report_evidence", r.Evidence, {**PERIOD, "per_label": 3}, None),
    ("report_totals", r.Totals, PERIOD, None),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("records") / "w.duckdb"
    with opened(path, read_only=False) as conn:
        migrate(conn, load_settings({}).view_config())
    return path


@pytest.mark.parametrize(("query", "record", "params", "probes"), READS, ids=[q for q, *_ in READS])
def test_each_record_has_its_querys_columns(
    db: Path, query: str, record: type[Any], params: dict[str, Any], probes: dict[str, Any] | None
) -> None:
    r._checked.discard((query, record))  # check now, even if an earlier read checked it
    found = r.read_records(db, query, record, params, probes)
    assert all(isinstance(x, record) for x in found)
    assert (query, record) in r._checked


@dataclass(frozen=True)
class Shifted:
    article_id: str
    verdict: str
    other_id: str


def test_a_record_that_does_not_fit_its_query_names_both(db: Path) -> None:
    with pytest.raises(r.ColumnMismatch) as caught:
        r.read_records(db, "read_dedup_overrides", Shifted)
    assert str(caught.value) == (
        "warehouse/queries/read_dedup_overrides.sql returns columns (article_id, other_id, verdict) "
        "but Shifted has fields (article_id, verdict, other_id)"
    )


def test_feed_state_reads_back_what_was_stored(db: Path) -> None:
    at = datetime(2026, 1, 5, 6, tzinfo=UTC)
    state = FeedState(
        "f", '"e1"', "Mon, 05 Jan 2026 06:00:00 GMT", "h" * 32, at, at, None, 2, "HTTP 503", 900, at
    )
    wh.load(db, {"feed_state": {k: [v] for k, v in asdict(state).items()}})
    assert r.read_records(db, "read_feed_state", FeedState) == [state]


def test_no_warehouse_no_records(tmp_path: Path) -> None:
    assert r.read_records(tmp_path / "none.duckdb", "read_feed_state", FeedState) == []
