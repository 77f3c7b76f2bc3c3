"""The earliest published is the original, in the warehouse: a stored original and its copies are relinked
to an earlier-published copy when it arrives (stages and loads as the ingest runs them, no Prefect)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from extractors import linking
from extractors.linking import Rules
from extractors.model import Item, Page, Processed
from flows import work
from peacewire.settings import load_settings
from tests.conftest import SITE, TAXONOMY
from warehouse import dedup_index, rows
from warehouse import load as wh
from warehouse.db import migrate, opened

BODY = (SITE / "articles" / "uk-talks.html").read_bytes()


def article(key: str, day: int, extra: bytes = b"") -> Processed:
    url = f"https://news.example.com/{key}"
    page = Page(Item(key=url, source="feed", url=url, feed_id="f"), "ok", BODY.replace(b"</body>", extra + b"</body>"),
                final_url=url)  # fmt: skip
    done = work.process(page, 80, TAXONOMY)
    assert done.article is not None
    return replace(done, article=replace(done.article, published_at=datetime(2026, 1, day, tzinfo=UTC)))


def ingest(db: Path, docs: list[Processed], run_id: str) -> None:
    stored = dedup_index.lookup(db, docs)
    decided = linking.decide_batch(docs, stored.candidates, Rules(0.35, 0.8, stored.overrides))
    wh.load(db, rows.batch_tables(decided, run_id, datetime.now(UTC)))


def links(db: Path) -> dict[str, str | None]:
    with duckdb.connect(str(db), read_only=True) as conn:
        found = conn.execute("SELECT url, duplicate_of FROM articles").fetchall()
    return {u.rsplit("/", 1)[1]: (d.rsplit("/", 1)[1] if d else None) for u, d in found}


def test_an_earlier_copy_becomes_the_original_of_the_stored_story(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with opened(db, read_only=False) as conn:
        migrate(conn, load_settings({}).view_config())
    ingest(db, [article("late", 9)], "r1")
    ingest(db, [article("copy", 10, b"<p>Republished with permission.</p>")], "r2")
    assert links(db) == {"late": None, "copy": "late"}
    early = article("early", 2, b"<p>Updated.</p>")
    ingest(db, [early], "r3")
    assert links(db) == {"early": None, "late": "early", "copy": "early"}
    with duckdb.connect(str(db), read_only=True) as conn:
        dups = dict(conn.execute("SELECT article_id, duplicate_of FROM duplicates").fetchall())
        trail = conn.execute("""SELECT article_id, candidate_id FROM dedup_decisions
                                WHERE decision = 'merged' AND run_id = 'r3'""").fetchall()  # fmt: skip
    assert set(dups.values()) == {early.item.key}
    assert trail == [("https://news.example.com/late", early.item.key)]
    ingest(db, [early], "r4")  # a rerun of the batch changes nothing (and never links it to itself)
    assert links(db) == {"early": None, "late": "early", "copy": "early"}
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM duplicates WHERE article_id = duplicate_of").fetchone() == (
            0,
        )
