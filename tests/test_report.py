"""`peacewire report`: a self-contained HTML file, rendered in headless Chromium without errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.browser import page_requests, render
from tests.conftest import SITE
from tests.devsite import serve, write_feed_list
from tests.test_cli import run

pytestmark = pytest.mark.prefect

FEEDS = [("frontline", "/feed-a.xml", "Frontline Review", "en"),
         ("dailywire", "/feed-b.atom", "Daily Wire Service", "en")]  # fmt: skip


@pytest.fixture(scope="module")
def warehouse(prefect_api: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    with serve(SITE) as site:
        summary = ingest(
            feeds=str(write_feed_list(site, tmp / "feeds.toml", FEEDS)), db=str(tmp / "w.duckdb")
        )
    assert summary["report"] == str(tmp / "w-report.html")  # the run rewrote the report beside the warehouse
    return tmp / "w.duckdb"


def test_the_report_renders_offline_without_console_errors(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    p = run("report", "--db", str(warehouse), "--from", "2024-01-01", "--to", "2026-12-31", "--out", str(out))
    assert p.returncode == 0, p.stderr
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    shot = tmp_path / "report.png"
    rendered = render(out, shot)
    assert rendered.console == [] and rendered.requests == []
    assert rendered.dom.count('class="main-svg"') >= 4  # plotly drew the four charts
    for section in ("Articles per day, by outlet", "Proposals over time", "Most syndicated stories",
                    "What is said about each proposal", "Feed health"):  # fmt: skip
        assert section in page
    assert "Frontline Review" in page and "territorial-concessions" in page
    assert shot.stat().st_size > 50_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_console_check_catches_errors_and_network(tmp_path: Path) -> None:
    """The check above can fail: a script error and a CDN script are both reported."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><script src="https://cdn.example.com/x.js"></script>'
                   '<script>throw new Error("boom")</script></body></html>')  # fmt: skip
    rendered = render(bad)
    assert any("Uncaught Error: boom" in m for m in rendered.console)
    assert rendered.requests == [
        "GET https://cdn.example.com/x.js"
    ]  # the page's request, none of the browser's


def test_only_the_pages_own_requests_count() -> None:
    """The browser's own traffic (its component updater, its account check) has another network partition."""
    start = 7
    log = {"constants": {"logEventTypes": {"URL_REQUEST_START_JOB": start}}, "events": [
        {"type": start, "params": {"method": "POST", "network_isolation_key": "null null",
                                   "url": "http://update.googleapis.com/service/update2/json?cup2key=x"}},
        {"type": start, "params": {"method": "POST", "url": "https://accounts.google.com/ListAccounts",
                                   "network_isolation_key": "https://google.com https://google.com"}},
        {"type": start, "params": {"method": "GET", "url": "https://fonts.example.com/a.woff2",
                                   "network_isolation_key": "file:// [internally: file://] file://"}},
        {"type": start + 1, "params": {"url": "https://not-a-request-start.example.com/"}},
    ]}  # fmt: skip
    assert page_requests(log, "file://") == ["GET https://fonts.example.com/a.woff2"]


def test_bad_dates_are_one_line_errors(warehouse: Path) -> None:
    p = run("report", "--db", str(warehouse), "--from", "2026-02-30")
    assert p.returncode == 1 and p.stderr.strip() == (
        "peacewire: error: --from must be a date as YYYY-MM-DD, got '2026-02-30'"
    )
    p = run("report", "--db", str(warehouse), "--from", "2026-03-01", "--to", "2026-02-01")
    assert p.returncode == 1 and "is after --to" in p.stderr
