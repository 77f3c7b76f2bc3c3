"""A dripping feed host and a dripping page under a small fetch budget, through the whole flow."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import pytest

from flows.ingest import ingest
from tests.faultsite import serve_faults

pytestmark = pytest.mark.prefect


def q(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def run(prefect_api: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("budget")
    env = {"PEACEWIRE_FETCH_HOST_BUDGET": "4", "PEACEWIRE_HTTP_TIMEOUT": "2"}
    os.environ.update(env)
    try:
        with serve_faults() as site:
            port = site.base.rsplit(":", 1)[1]
            feeds = tmp / "feeds.toml"
            # "localhost" is another host than "127.0.0.1" to the client: its own budget, one server.
            feeds.write_text(
                f'[[feeds]]\nid = "drip"\nurl = "http://localhost:{port}/slow"\noutlet = "D"\nlanguage = "en"\n\n'
                f'[[feeds]]\nid = "crash"\nurl = "{site.url("/feed/crash")}"\noutlet = "C"\nlanguage = "en"\n'
            )
            db = tmp / "w.duckdb"
            yield db, ingest(feeds=str(feeds), db=str(db))
    finally:
        for key in env:
            del os.environ[key]


def test_the_dripping_feed_is_deferred_with_its_reason_and_keeps_its_state(run: Any) -> None:
    db, summary = run
    by_feed = {f["feed"]: f for f in summary["feeds"]}
    assert by_feed["drip"]["outcome"] == "deferred"
    assert "host budget (4 s of fetching per run) for localhost is spent" in by_feed["drip"]["error"]
    outcome, error = q(db, "SELECT outcome, error FROM feed_fetches WHERE feed_id = 'drip'")[0]
    assert outcome == "deferred" and "deferred after" in error
    success, failures = q(
        db, "SELECT last_success_at, consecutive_failures FROM feed_state WHERE feed_id = 'drip'"
    )[0]
    assert success is None and failures == 1  # not a success without entries


def test_the_dripping_page_is_deferred_and_the_others_load(run: Any) -> None:
    db, summary = run
    got = {urlsplit(url).path: (o, d) for url, o, d in q(db, "SELECT url, outcome, detail FROM entries")}
    outcome, detail = got.pop("/slow")
    assert outcome == "deferred" and "host budget (4 s of fetching per run) for 127.0.0.1 is spent" in detail
    assert got == {p: ("loaded", None) for p in ("/good/1", "/good/2", "/good/3")}
    assert summary["tally"]["deferred"] == 1
