"""Fault injection through the whole flow: every fault recorded, every good article loaded, reruns add nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest

from flows.ingest import ingest
from peacewire.cli import main as cli
from tests.faultsite import closed_port, serve_faults

pytestmark = pytest.mark.prefect

FEEDS = ["main", "laughs", "truncated", "cp1251", "html", "empty"]
# Pages with the same text: one is the original (same page date: the smaller id), the rest copies.
SAME_TEXT = [
    ("/good/1", "/throttled", "/flaky"),
    ("/good/2", "/redirect-good", "/good/cp1251"),
    ("/good/4", "/good/7"),
]  # /good/7 is reached through a decoded Google News link
EXPECTED = {
    "/good/3": "loaded", "/good/5": "loaded",
    "/notfound": "fetch_error", "/gone": "fetch_error", "/loop": "fetch_error",
    "/to-private": "blocked", "/to-metadata": "blocked", "/to-file": "blocked",
    "/huge": "too_large", "/gzip-bomb": "too_large", "/private/page": "blocked",
    "/latest/meta-data/": "blocked", "/good/laughs": "fetch_error",
    "/good/6": "known",  # same GUID as /good/5 in the same feed: `known`, never fetched
}  # fmt: skip
TABLES = ("articles", "labels", "duplicates", "lsh_index", "raw_pages", "entries")


def q(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def faults(prefect_api: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    tmp = tmp_path_factory.mktemp("faults")
    os.environ["PEACEWIRE_HTTP_TOTAL_TIMEOUT"] = "5"
    try:
        with serve_faults() as site:
            feeds = tmp / "feeds.toml"
            blocks = [f'[[feeds]]\nid = "{f}"\nurl = "{site.url("/feed/" + f)}"\noutlet = "F"\nlanguage = "en"\n'
                      for f in FEEDS]  # fmt: skip
            blocks.append(f'[[feeds]]\nid = "refused"\nurl = "http://127.0.0.1:{closed_port()}/rss"\n'
                          'outlet = "R"\nlanguage = "en"\n')  # fmt: skip
            feeds.write_text("\n".join(blocks))
            db = tmp / "w.duckdb"
            first = ingest(feeds=str(feeds), db=str(db))
            counts = {t: q(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
            second = ingest(feeds=str(feeds), db=str(db), force=True)
            yield site, db, first, counts, second
    finally:
        del os.environ["PEACEWIRE_HTTP_TOTAL_TIMEOUT"]


def test_every_fault_ends_in_its_outcome(faults: Any) -> None:
    site, db, first, *_ = faults
    got = {urlsplit(url).path: outcome for url, outcome in q(db, "SELECT url, outcome FROM entries")}
    for path, outcome in EXPECTED.items():
        assert got.get(path) == outcome, path
    for group in SAME_TEXT:
        assert sorted(got[p] for p in group) == ["duplicate"] * (len(group) - 1) + ["loaded"], group
    # known: /good/6 (GUID already seen in this feed) and the truncated feed's link to /good/1
    assert site.hits["/good/6"] == 0 and first["tally"]["known"] == 2


def test_google_news_link_is_fetched_from_the_publisher(faults: Any) -> None:
    _, db, *_ = faults
    url, alias = q(db, "SELECT url, alias_key FROM entries WHERE url LIKE '%/good/7'")[0]
    assert url.startswith("http://127.0.0.1:") and alias is not None


def test_feed_faults_are_recorded(faults: Any) -> None:
    _, db, first, *_ = faults
    by_feed = {f["feed"]: f for f in first["feeds"]}
    assert by_feed["refused"]["outcome"] == "fetch_error" and "ConnectError" in by_feed["refused"]["error"]
    assert (
        by_feed["html"]["outcome"] == "not_a_feed" and by_feed["html"]["error"] == "an HTML page, not a feed"
    )
    assert by_feed["truncated"]["outcome"] == "degraded"
    assert by_feed["empty"]["outcome"] == "ok" and by_feed["empty"]["seen"] == 0
    assert by_feed["cp1251"]["outcome"] == "ok"
    charset = q(db, "SELECT charset FROM feed_fetches WHERE feed_id = 'cp1251' LIMIT 1")[0][0]
    assert charset == "cp1251"
    title = q(db, "SELECT title FROM entries WHERE url LIKE '%/good/cp1251'")[0][0]
    assert title == "Переговоры в Женеве"


def test_good_articles_are_loaded_with_their_dates(faults: Any) -> None:
    _, db, *_ = faults
    rows = dict(q(db, "SELECT url, date_source FROM articles WHERE source = 'feed' AND url LIKE '%/good/%'"))
    assert len(rows) == 7  # /good/1-5, /good/cp1251, /good/7 (copies are stored too)
    future = q(db, "SELECT published_at < now() FROM articles WHERE url LIKE '%/good/3'")[0][0]
    assert future  # the feed said 2100; the page's own date is used


def test_rerun_adds_nothing(faults: Any) -> None:
    _, db, _, counts, second = faults
    assert {t: q(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES} == counts
    assert set(second["tally"]) <= {"known", "fetch_error", "too_large"}
    assert second["tally"].get("known", 0) >= 10


def test_feeds_command_flags_the_failing_feed(faults: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _, db, *_ = faults
    import json

    assert cli(["feeds", "--db", str(db), "--format", "json"]) == 0
    rows = {r["feed_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["refused"]["status"] == "failing" and rows["refused"]["failures"] == 2
    assert rows["main"]["status"] == "ok" and rows["main"]["entries"] == 19  # 20 items, one GUID repeated
    assert rows["html"]["status"] == "failing"
