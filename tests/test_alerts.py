"""Alerts reach a real webhook receiver on 127.0.0.1; `peacewire status` shows the same conditions."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.ingest import ingest
from peacewire import alerts
from tests.conftest import SITE
from tests.devsite import serve, write_feed_list
from tests.test_cli import run

pytestmark = pytest.mark.prefect

FEEDS = [("frontline", "/feed-a.xml", "Frontline Review", "en"),
         ("gone", "/no-such-feed.xml", "Gone Daily", "en")]  # fmt: skip


class Receiver(ThreadingHTTPServer):
    bodies: list[dict[str, Any]]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        assert isinstance(self.server, Receiver)
        self.server.bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(("127.0.0.1", 0), Handler)
    server.bodies = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def url(r: Receiver) -> str:
    return f"http://127.0.0.1:{r.server_address[1]}/hook"


def sql(db: Path, statement: str) -> None:
    with duckdb.connect(str(db)) as conn:
        conn.execute(statement)


def test_conditions_reach_the_webhook_and_status(
    prefect_api: None, receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEACEWIRE_ALERT_WEBHOOK", url(receiver))
    db = tmp_path / "w.duckdb"
    with serve(SITE) as site:
        feeds = write_feed_list(site, tmp_path / "feeds.toml", FEEDS)
        ingest(feeds=str(feeds), db=str(db))
        assert receiver.bodies == []  # one failed poll is not yet a condition
        # Eight days pass: the dead feed has failed since its first poll; four earlier runs loaded 40 each.
        sql(db, "UPDATE feed_fetches SET fetched_at = fetched_at - INTERVAL 8 DAY")
        sql(db, """INSERT INTO runs (run_id, started_at, finished_at, status, tally)
                   SELECT 'old-' || i, now() - to_days(CAST(10 - i AS INTEGER)), now() - to_days(CAST(10 - i AS INTEGER)),
                          'completed', '{"loaded": 40}' FROM range(4) t(i)""")  # fmt: skip
        summary = ingest(feeds=str(feeds), db=str(db), force=True)
    assert {(c["kind"], c["subject"]) for c in summary["attention"]} == {("feed_failing", "gone"),
                                                                          ("low_yield", summary["run_id"])}  # fmt: skip
    body = receiver.bodies[-1]
    assert body["peacewire"]["event"] == "run_completed" and body["blocks"][0]["type"] == "section"
    kinds = {c["kind"]: c for c in body["peacewire"]["conditions"]}
    assert set(kinds) == {"feed_failing", "low_yield"}
    assert "Gone Daily: 2 failed polls in a row since" in kinds["feed_failing"]["detail"]
    assert "loaded 0 articles; the median of the runs before it is 40" in kinds["low_yield"]["detail"]
    assert body["text"].startswith("peacewire: 2 condition(s) need attention")

    status = run("status", "--db", str(db), "--format", "json")
    shown = json.loads(status.stdout)
    assert status.returncode == 0 and shown["attention"] == body["peacewire"]["conditions"]
    assert [r["loaded"] for r in shown["runs"]] == [0, 8, 40, 40, 40, 40]
    table = run("status", "--db", str(db))
    assert "Needs attention (2)" in table.stdout and "Gone Daily" in table.stdout


def test_a_failed_run_is_reported(
    prefect_api: None, receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEACEWIRE_ALERT_WEBHOOK", url(receiver))
    with pytest.raises(Exception, match=r"no-such\.toml"):
        ingest(feeds=str(tmp_path / "no-such.toml"), db=str(tmp_path / "w.duckdb"))
    body = receiver.bodies[-1]["peacewire"]
    assert body["event"] == "run_failed" and "no-such.toml" in body["error"] and body["run_id"]


def test_status_without_a_warehouse_is_one_line(tmp_path: Path) -> None:
    p = run("status", "--db", str(tmp_path / "none.duckdb"))
    assert p.returncode == 1 and p.stderr.strip() == (
        f"peacewire: error: no warehouse at {tmp_path / 'none.duckdb'}: run `peacewire ingest` first"
    )


def test_nothing_is_posted_without_a_webhook_or_without_conditions(tmp_path: Path) -> None:
    found = [alerts.Condition("feed_failing", "gone", "Gone Daily: 2 failed polls")]
    # An unroutable URL: a post would fail and say so; None means nothing was posted.
    assert alerts.notify("", tmp_path / "w.duckdb", found) is None
    assert alerts.notify("http://127.0.0.1:9/hook", tmp_path / "w.duckdb", []) is None
    assert alerts.notify_failure("", tmp_path / "w.duckdb", "run", "boom") is None
    assert alerts.notify("http://127.0.0.1:9/hook", tmp_path / "w.duckdb", found) is not None
