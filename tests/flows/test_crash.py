"""kill -9 in the middle of an ingest, and two ingests at once: real processes, a real DuckDB file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT
from tests.faultsite import FaultSite, serve_faults

pytestmark = pytest.mark.prefect


def start_ingest(
    site: FaultSite, tmp: Path, name: str, extra: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    feeds = tmp / "feeds.toml"
    feeds.write_text(
        f'[[feeds]]\nid = "crash"\nurl = "{site.url("/feed/crash")}"\noutlet = "C"\nlanguage = "en"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEACEWIRE_", "PREFECT_"))}
    env |= {"PEACEWIRE_ALLOWED_HOSTS": "127.0.0.0/8", "PEACEWIRE_HOST_DELAY": "0",
            "PEACEWIRE_HTTP_TOTAL_TIMEOUT": "12", "PEACEWIRE_HTTP_RETRIES": "0",
            "PEACEWIRE_DATA_DIR": str(tmp / f"data-{name}"), **(extra or {})}  # fmt: skip
    return subprocess.Popen([sys.executable, "-m", "peacewire.cli", "ingest", "--feeds", str(feeds), "--db",
                             str(tmp / "w.duckdb")], cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip


def wait_for_hit(site: FaultSite, path: str, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while site.hits[path] == 0:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path} never requested"
        time.sleep(0.1)


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                for t in ("articles", "entries", "raw_pages", "labels")}  # fmt: skip


def test_second_ingest_exits_with_a_clear_message(tmp_path: Path) -> None:
    with serve_faults() as site:
        first = start_ingest(site, tmp_path, "a")
        wait_for_hit(site, "/slow", first)  # the first run is fetching pages, lock held
        second = start_ingest(site, tmp_path, "b")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 1 and "another ingest is running" in err and "Traceback" not in err
        _, err = first.communicate(timeout=180)
        assert first.returncode == 0, err[-2000:]


def test_kill_9_then_rerun_leaves_a_consistent_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with serve_faults() as site:
        victim = start_ingest(site, tmp_path, "a")
        wait_for_hit(site, "/slow", victim)
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        before = counts(db)  # the file opens after a crash
        rerun = start_ingest(site, tmp_path, "b")
        _, err = rerun.communicate(timeout=180)
        assert rerun.returncode == 0, err[-2000:]
    after = counts(db)
    assert before["articles"] == 5  # the seeds' batch had committed; the page batch had not
    with duckdb.connect(str(db), read_only=True) as conn:
        outcomes = dict(conn.execute("SELECT url, outcome FROM entries").fetchall())
        dup_keys = conn.execute("SELECT count(*) - count(DISTINCT article_id) FROM articles").fetchone()
    assert len(outcomes) == 4 and set(outcomes.values()) <= {"loaded", "duplicate", "fetch_error"}
    assert after["articles"] == 5 + 3 and dup_keys == (0,)
    # The killed run left a row (recorded at its start), which the rerun marked crashed.
    with duckdb.connect(str(db), read_only=True) as conn:
        statuses = [s for (s,) in conn.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
        kinds = {k for (k,) in conn.execute("SELECT kind FROM v_conditions").fetchall()}
    assert statuses == ["crashed", "completed"] and "run_crashed" in kinds


def processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, session id, command line) of every live process (zombies are dead)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it ended while we looked
            continue
        if fields[0] != "Z":
            found[int(stat.parent.name)] = (int(fields[1]), int(fields[3]), cmdline.strip())
    return found


def descendants(root: int) -> dict[int, str]:
    procs = processes()
    family, todo = {}, [root]
    while todo:
        parent = todo.pop()
        for pid, (ppid, _, cmd) in procs.items():
            if ppid == parent and pid not in family:
                family[pid] = cmd
                todo.append(pid)
    return family


def survivors(family: dict[int, str], session: int) -> dict[int, str]:
    """Which of the family still run, and anything else left in the killed command's session."""
    procs = processes()
    return {pid: cmd for pid, (_, sid, cmd) in procs.items() if pid in family or sid == session}


def test_kill_9_leaves_no_server_pool_or_tracker_behind(tmp_path: Path) -> None:
    """Only the ingest is killed (not its process group): what it started must end by itself."""
    pool = {"PEACEWIRE_WORKERS": "2", "PEACEWIRE_POOL_MIN_BATCH": "1", "PEACEWIRE_BATCH_SIZE": "2"}
    with serve_faults() as site:
        victim = start_ingest(site, tmp_path, "a", pool)  # batch 1 goes through the pool, batch 2 hits /slow
        wait_for_hit(site, "/slow", victim)
        family = descendants(victim.pid)
        try:
            kinds = " ".join(family.values())
            assert "prefect.server.api.server:create_app" in kinds  # the temporary Prefect API
            assert "multiprocessing.resource_tracker" in kinds
            assert sum("spawn_main" in cmd for cmd in family.values()) == 2  # the pool's workers
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=30)
            deadline = time.monotonic() + 30  # a bound for a loaded machine, not a speed target
            while survivors(family, victim.pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert survivors(family, victim.pid) == {}
        finally:
            for pid in survivors(family, victim.pid):
                os.kill(pid, signal.SIGKILL)
