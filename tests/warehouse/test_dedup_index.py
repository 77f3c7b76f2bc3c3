"""The dedup index's warehouse side: a batch's stored candidates, the overrides, the user's corrections."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.dedup import fingerprint
from extractors.linking import Overrides, Rules, decide_batch
from extractors.model import Item, Page, Processed
from extractors.outcome import Outcome
from extractors.process import process_page
from extractors.tagging import Matcher
from peacewire.settings import load_settings
from tests.conftest import SITE
from warehouse import dedup_index, rows
from warehouse import load as wh
from warehouse.db import WarehouseError, migrate, opened
from warehouse.lock import ingest_lock

AT = datetime(2026, 3, 1, tzinfo=UTC)
BODY = (SITE / "articles" / "uk-talks.html").read_bytes()


def doc(matcher: Matcher, key: str, extra: bytes = b"") -> Processed:
    url = f"https://wire.example/{key}"
    page = Page(
        Item(key=url, source="feed", url=url, feed_id="f"),
        Outcome.OK,
        BODY.replace(b"</body>", extra + b"</body>"),
        url,
    )
    return process_page(page, 80, matcher)


@pytest.fixture
def db(tmp_path: Path, matcher: Matcher) -> Path:
    path = tmp_path / "w.duckdb"
    with opened(path, read_only=False) as conn:
        migrate(conn, load_settings({}).view_config())
    original = decide_batch([doc(matcher, "original")], [], Rules(0.35, 0.8))
    wh.load(path, rows.batch_tables(original, "r1", AT))
    return path


def test_a_copy_finds_the_stored_original_and_nothing_else(db: Path, matcher: Matcher) -> None:
    copy = doc(matcher, "copy", b"<p>Republished with permission.</p>")
    stored = dedup_index.lookup(db, [copy])
    assert [c.article_id for c in stored.candidates] == ["https://wire.example/original"]
    assert stored.overrides == Overrides()
    assert (
        dedup_index.stored_candidates(db, [fingerprint("an unrelated text about the weather")], set()) == []
    )


def test_a_batch_without_an_article_reads_nothing(tmp_path: Path) -> None:
    failed = Processed(Page(Item(key="k", source="feed"), Outcome.FETCH_ERROR), Outcome.FETCH_ERROR)
    assert dedup_index.lookup(tmp_path / "absent.duckdb", [failed]) == dedup_index.Stored()


def test_corrections_are_read_back_as_overrides(db: Path, matcher: Matcher) -> None:
    fresh = doc(matcher, "copy", b"<p>Again.</p>")
    copy = decide_batch([fresh], dedup_index.lookup(db, [fresh]).candidates, Rules(0.35, 0.8))
    wh.load(db, rows.batch_tables(copy, "r2", AT))
    original, copied = "https://wire.example/original", "https://wire.example/copy"
    found = dedup_index.article(db, copied)
    assert found is not None and (found.article_id, found.duplicate_of) == (copied, original)
    assert dedup_index.article(db, "nope") is None
    dedup_index.split(db, copied, "different briefing", AT)
    assert dedup_index.overrides(db) == Overrides(frozenset({frozenset((copied, original))}), {})
    assert ("override", "kept_apart") in [(r[3], r[6]) for r in dedup_index.trail(db, copied)]
    dedup_index.merge(db, copied, original, None, AT.replace(hour=1))
    assert dedup_index.overrides(db) == Overrides(frozenset(), {copied: original})


def test_a_correction_waits_for_no_ingest(db: Path) -> None:
    with ingest_lock(db), pytest.raises(WarehouseError, match="another ingest is running"):
        dedup_index.split(db, "x", None, AT)
