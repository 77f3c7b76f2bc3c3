"""`peacewire serve` against a real Prefect server on 127.0.0.1 (started and stopped here)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.prefect


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: object, timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()  # type: ignore[operator]
            if result:
                return result
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEACEWIRE_", "PREFECT_API"))}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false", "PREFECT_LOCAL_STORAGE_PATH": str(tmp_path / "storage")}  # fmt: skip
    prefect = str(Path(sys.executable).parent / "prefect")
    proc = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 120, "prefect server")
        yield api, env | {"PREFECT_API_URL": api}
    finally:
        stop(proc)


def test_serve_registers_the_daily_schedule(server: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    api, env = server
    env = env | {"PEACEWIRE_CRON": "15 5 * * *", "PEACEWIRE_TIMEZONE": "Europe/Kyiv",
                 "PEACEWIRE_DATA_DIR": str(tmp_path / "data")}  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "deployments"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    try:

        def deployment() -> dict | None:
            found = httpx.post(f"{api}/deployments/filter", json={}, timeout=5).json()
            return next((d for d in found if d["name"] == "daily"), None)

        dep = wait_for(deployment, 120, "the daily deployment")
        assert isinstance(dep, dict)
        schedule = dep["schedules"][0]["schedule"]
        assert (schedule["cron"], schedule["timezone"]) == ("15 5 * * *", "Europe/Kyiv")
        assert dep["schedules"][0]["active"] and "peacewire" in dep["tags"]
        assert dep["parameters"]["db"].endswith("peacewire.duckdb")
        flow = httpx.get(f"{api}/flows/{dep['flow_id']}", timeout=5).json()
        assert flow["name"] == "ingest"

        def names() -> bool:
            found = httpx.post(f"{api}/deployments/filter", json={}, timeout=5).json()
            return {"daily", "retag", "reextract"} <= {d["name"] for d in found}

        assert wait_for(names, 60, "the retag and reextract deployments")
    finally:
        stop(proc)
