"""Both ways to run the deployments, against a real Prefect server on 127.0.0.1 (started and stopped here):
`peacewire serve`, and prefect.yaml with a process work pool and `prefect worker start`. Each run is
triggered through the API and ingests the local fixture site."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from peacewire.settings import load_settings
from tests.conftest import ROOT, SITE
from tests.devsite import serve, write_feed_list
from tests.prefect_server import PREFECT, artifacts, call, deployment, run_deployment, server, stop, wait_for

__all__ = ["server"]  # the fixture, imported for pytest

pytestmark = pytest.mark.prefect
FEEDS = [("frontline", "/feed-a.xml", "Frontline Review", "en")]
ARTIFACTS = {"feed-results", "run-summary", "outcomes", "new-articles-per-label", "report"}


def local_site_env(env: dict[str, str], tmp: Path) -> dict[str, str]:
    """What a flow run needs to reach the fixture site and keep its files under tmp."""
    return env | {"PEACEWIRE_ALLOWED_HOSTS": "127.0.0.0/8", "PEACEWIRE_HOST_DELAY": "0",
                  "PEACEWIRE_DATA_DIR": str(tmp / "data")}  # fmt: skip


def check_run(api: str, dep: dict[str, Any], tmp: Path) -> None:
    """Trigger an ingest of the fixture site through the API; it completes, with its artifacts."""
    db = tmp / "run.duckdb"
    with serve(SITE) as site:
        feeds = write_feed_list(site, tmp / "feeds.toml", FEEDS)
        run = run_deployment(api, dep, {"feeds": str(feeds), "db": str(db)}, timeout=300)
    assert run["state"]["type"] == "COMPLETED", run["state"]
    found = artifacts(api, run["id"])
    assert set(found) >= ARTIFACTS
    assert "outcomes: loaded:" in found["run-summary"]["data"]
    assert found["report"]["data"].startswith("[HTML report](file://")
    assert db.exists() and (tmp / "run-report.html").exists()


def test_serve_registers_the_schedule_and_runs(server: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    api, env = server
    env = local_site_env(env, tmp_path) | {
        "PEACEWIRE_CRON": "15 5 * * *",
        "PEACEWIRE_TIMEZONE": "Europe/Kyiv",
    }
    proc = subprocess.Popen([sys.executable, "-m", "deployments"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    try:
        dep = wait_for(lambda: deployment(api, "daily"), 120, "the daily deployment")
        assert isinstance(dep, dict)
        schedule = dep["schedules"][0]["schedule"]
        assert (schedule["cron"], schedule["timezone"]) == ("15 5 * * *", "Europe/Kyiv")
        assert dep["schedules"][0]["active"] and "peacewire" in dep["tags"]
        assert dep["parameters"]["db"].endswith("peacewire.duckdb")
        flow = call("GET", f"{api}/flows/{dep['flow_id']}")
        assert flow["name"] == "ingest"
        assert wait_for(lambda: deployment(api, "retag") and deployment(api, "reextract"), 60, "maintenance")
        check_run(api, dep, tmp_path)
    finally:
        stop(proc)


def test_prefect_yaml_with_a_process_worker(server: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    api, env = server
    env = local_site_env(env, tmp_path) | {"PWD": str(ROOT)}
    for command in (
        ["work-pool", "create", "peacewire", "--type", "process"],
        ["--no-prompt", "deploy", "--all"],
    ):
        done = subprocess.run(
            [PREFECT, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, done.stdout + done.stderr
    dep = deployment(api, "daily")
    assert dep is not None and dep["work_pool_name"] == "peacewire"
    assert dep["pull_steps"][0]["prefect.deployments.steps.set_working_directory"]["directory"] == str(ROOT)
    s = load_settings({})
    assert [(x["schedule"]["cron"], x["schedule"]["timezone"]) for x in dep["schedules"]] == [
        (s.cron, s.timezone)
    ]
    assert deployment(api, "retag") and deployment(api, "reextract")
    worker = subprocess.Popen([PREFECT, "worker", "start", "--pool", "peacewire", "--limit", "1"], cwd=tmp_path,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)  # fmt: skip
    try:
        check_run(api, dep, tmp_path)
    finally:
        stop(worker)
