"""A disk that fills up during an ingest: a real 3 MB tmpfs under the warehouse, the real CLI and flow."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import SITE
from tests.devsite import serve, write_feed_list
from tests.mounts import resize, tmpfs
from tests.test_cli import run

pytestmark = pytest.mark.prefect

FEEDS = [("frontline", "/feed-a.xml", "Frontline Review", "en"),
         ("dailywire", "/feed-b.atom", "Daily Wire Service", "en")]  # fmt: skip
# 3 MB holds the schema, the run rows and the five seeds, not the first batch of pages (4 MB does not
# either): the disk fills mid-run. (2 MB no longer held the seeds once runs were recorded at their start.)
SMALL, AMPLE = "3m", "64m"


def articles(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return dict(conn.execute("SELECT source, count(*) FROM articles GROUP BY 1").fetchall())


def test_a_full_disk_is_one_line_and_loses_nothing(tmp_path: Path) -> None:
    env = {"PEACEWIRE_DATA_DIR": str(tmp_path / "data")}  # Prefect's state on the roomy disk
    with tmpfs(tmp_path / "disk", SMALL) as disk, serve(SITE) as site:
        db = disk / "w.duckdb"
        feeds = str(write_feed_list(site, tmp_path / "feeds.toml", FEEDS))
        full = run("ingest", "--feeds", feeds, "--db", str(db), env=env, own_prefect=True)
        assert full.returncode == 1
        # Prefect's run log comes first (its tracebacks included); the command's own error is one line.
        [error] = [line for line in full.stderr.splitlines() if line.startswith("peacewire: error:")]
        assert error.startswith(f"peacewire: error: ingest failed: cannot write to {db}")
        assert "No space left on device" in error and "cannot rollback" not in full.stderr
        assert articles(db) == {"seed": 5}  # the file opens; the committed seed batch is kept

        report = run("report", "--db", str(db), "--out", str(disk / "r.html"), env=env)
        assert report.returncode == 1 and "No space left on device" in report.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["w.duckdb", "w.duckdb.lock", "w.duckdb.wal"]

        resize(disk, AMPLE)  # space again: the next run picks up everything the full disk refused
        again = run("ingest", "--feeds", feeds, "--db", str(db), env=env, own_prefect=True)
        assert again.returncode == 0, again.stderr[-3000:]
        with duckdb.connect(str(db), read_only=True) as conn:
            outcomes = conn.execute("SELECT outcome, count(*) FROM entries GROUP BY 1").fetchall()
        assert sum(n for _, n in outcomes) == 16  # every entry of the two feeds, each with its outcome
        assert articles(db) == {"seed": 5, "feed": 14}  # as on an ample disk from the start
