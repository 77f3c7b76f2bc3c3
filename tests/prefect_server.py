"""A real Prefect server on 127.0.0.1 for the deployment tests, and the API calls they make."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

PREFECT = str(Path(sys.executable).parent / "prefect")


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
    proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    api = f"http://127.0.0.1:{port}/api"
    try:
        wait_for(lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 120, "prefect server")
        yield api, env | {"PREFECT_API_URL": api}
    finally:
        stop(proc)


def call(method: str, url: str, body: object = None, attempts: int = 6) -> Any:
    """One API call, retried while the server answers 5xx (its SQLite database is briefly locked when a
    worker or `serve` writes at the same moment); any other error fails with the server's answer."""
    response = httpx.request(method, url, json=body, timeout=10)
    for attempt in range(attempts - 1):
        if response.status_code < 500:
            break
        time.sleep(0.5 * 2**attempt)
        response = httpx.request(method, url, json=body, timeout=10)
    if response.is_error:
        raise AssertionError(f"{method} {url}: {response.status_code} {response.text[:500]}")
    return response.json()


def deployment(api: str, name: str) -> dict[str, Any] | None:
    found = call("POST", f"{api}/deployments/filter", {})
    return next((d for d in found if d["name"] == name), None)


def run_deployment(
    api: str, dep: dict[str, Any], parameters: dict[str, Any], timeout: float
) -> dict[str, Any]:
    """Create a flow run of the deployment through the API and wait for a final state."""
    run = call("POST", f"{api}/deployments/{dep['id']}/create_flow_run", {"parameters": parameters})

    def final() -> dict[str, Any] | None:
        got = call("GET", f"{api}/flow_runs/{run['id']}")
        return got if got["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

    result = wait_for(final, timeout, f"flow run {run['id']} to finish")
    assert isinstance(result, dict)
    return result


def artifacts(api: str, flow_run_id: str) -> dict[str, dict[str, Any]]:
    body = {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}
    return {a["key"]: a for a in call("POST", f"{api}/artifacts/filter", body) if a["key"]}
