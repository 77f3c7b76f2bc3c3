"""Hostile entries through the whole flow: each ends as a recorded parse_error, everything else goes on;
--limit defers entries without losing them; a run where the feeds fail is a condition."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.ingest import ingest
from peacewire import alerts
from tests.conftest import SITE
from tests.devsite import serve, write_feed_list
from tests.faultsite import closed_port

pytestmark = pytest.mark.prefect

BAD_LINKS = ["http://[::1", "http://h:99999/", "http://h:abc/", " "]
HOSTILE = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile</title><link>{{base}}/</link>
%s
<item><title>Talks &#xD800; in Kyiv &#x110000; &#99999999999999999999;</title><link>{{base}}/articles/uk-talks.html</link>
<guid>ok-1</guid></item>
</channel></rss>"""
BAD_DATE = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Dates</title><id>d</id>
<entry><title>Minerals</title><link href="{{base}}/articles/en-minerals.html"/><id>d-1</id>
<updated>0001-01-01T00:00:00+14:00</updated></entry>
<entry><title>Self</title><link href=" "/><id>d-2</id></entry>
</feed>"""
PLAIN = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Plain</title>
<item><title>a</title><link>{{base}}/articles/de-talks.html</link><guid>p-1</guid></item>
<item><title>b</title><link>{{base}}/articles/ru-talks.html</link><guid>p-2</guid></item>
<item><title>c</title><link>{{base}}/articles/battlefield.html</link><guid>p-3</guid></item>
</channel></rss>"""


def q(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def hostile_feed(extra: str = "") -> str:
    items = "\n".join(f"<item><title>bad {i}</title><link>{link}</link><guid>bad-{i}</guid></item>"
                      for i, link in enumerate(BAD_LINKS))  # fmt: skip
    return HOSTILE % (items + extra)


def site_root(tmp: Path) -> Path:
    root = tmp / "site"
    shutil.copytree(SITE / "articles", root / "articles")
    (root / "hostile.xml").write_text(hostile_feed(), encoding="utf-8")
    (root / "dates.atom").write_text(BAD_DATE, encoding="utf-8")
    (root / "plain.xml").write_text(PLAIN, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile(prefect_api: None, tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("hostile")
    with serve(site_root(tmp)) as site:
        feeds = write_feed_list(site, tmp / "feeds.toml", [("hostile", "/hostile.xml", "H", "en"),
                                ("dates", "/dates.atom", "D", "en"), ("plain", "/plain.xml", "P", "en")])  # fmt: skip
        db = tmp / "w.duckdb"
        first = ingest(feeds=str(feeds), db=str(db))
        # The hostile feed changes (one more item): it is parsed again, its bad entries with it.
        more = (
            "<item><title>new</title><link>{{base}}/articles/offtopic-1.html</link><guid>ok-2</guid></item>"
        )
        (site.root / "hostile.xml").write_text(hostile_feed(more), encoding="utf-8")
        again = ingest(feeds=str(feeds), db=str(db), force=True)
    return db, first, again


def test_bad_entries_are_parse_errors_with_their_reason(hostile: Any) -> None:
    db, first, _ = hostile
    bad = dict(q(db, "SELECT title, detail FROM entries WHERE outcome = 'parse_error'"))
    assert set(bad) == {"bad 0", "bad 1", "bad 2", "bad 3", "Self"}
    assert "Invalid IPv6 URL" in bad["bad 0"] and "Port out of range" in bad["bad 1"]
    assert "Port could not be cast" in bad["bad 2"] and "no link" in bad["bad 3"]
    assert first["tally"]["parse_error"] == 5


def test_the_other_entries_and_feeds_go_on(hostile: Any) -> None:
    db, *_ = hostile
    loaded = {
        u.rsplit("/", 1)[1]
        for (u,) in q(
            db,
            "SELECT url FROM entries WHERE outcome = 'loaded' AND first_run_id = (SELECT min(run_id) FROM runs)",
        )
    }
    assert loaded == {
        "uk-talks.html",
        "en-minerals.html",
        "de-talks.html",
        "ru-talks.html",
        "battlefield.html",
    }
    outcomes = dict(
        q(db, "SELECT feed_id, outcome FROM feed_fetches WHERE run_id = (SELECT min(run_id) FROM runs)")
    )
    assert outcomes == {"hostile": "degraded", "dates": "degraded", "plain": "ok"}
    (published,) = q(db, "SELECT published_at FROM articles WHERE url LIKE '%en-minerals.html'")[0]
    assert published is None or published.year > 1995  # the feed's impossible date is dropped


def test_a_rerun_keeps_one_row_per_bad_entry_and_adds_nothing(hostile: Any) -> None:
    db, _, again = hostile
    assert q(db, "SELECT count(*) FROM entries WHERE outcome = 'parse_error'") == [(5,)]
    assert again["tally"] == {"loaded": 1, "known": 1, "parse_error": 4}  # the other feeds answered 304
    seen = q(db, "SELECT count(*) FROM entries WHERE last_seen_run_id = (SELECT max(run_id) FROM runs)")
    assert seen == [(6,)]  # every entry the second run saw (the changed feed's 6) has a row that says so


def test_limit_defers_entries_and_the_next_run_fetches_them(prefect_api: None, tmp_path: Path) -> None:
    with serve(site_root(tmp_path)) as site:
        feeds = write_feed_list(site, tmp_path / "feeds.toml", [("plain", "/plain.xml", "P", "en")])
        db = tmp_path / "w.duckdb"
        first = ingest(feeds=str(feeds), db=str(db), limit=1)
        assert (first["tally"]["deferred"], first["entries_new"]) == (2, 3)
        assert q(db, "SELECT count(*) FROM entries WHERE outcome = 'deferred' AND attempts = 0") == [(2,)]
        assert q(db, "SELECT status FROM v_feed_health") == [("ok",)]
        second = ingest(feeds=str(feeds), db=str(db))  # the feed is not due: the deferred entries are
    assert [f["outcome"] for f in second["feeds"]] == ["not_due"]
    assert second["tally"].get("loaded") == 2
    assert q(db, "SELECT outcome, count(*) FROM entries GROUP BY 1") == [("loaded", 3)]


def test_a_run_where_the_feeds_fail_needs_attention(prefect_api: None, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("".join(f'[[feeds]]\nid = "f{i}"\nurl = "http://127.0.0.1:{closed_port()}/rss"\n'
                             'outlet = "F"\nlanguage = "en"\n' for i in range(3)))  # fmt: skip
    db = tmp_path / "w.duckdb"
    summary = ingest(feeds=str(feeds), db=str(db))
    assert summary["feeds_failed"] == 3
    found = {c.kind: c.detail for c in alerts.conditions(db)}
    assert "3 of 3 polled feeds failed" in found["feeds_down"]
