"""`make ui` / `make ui-stop`: a local Prefect server (SQLite under the data folder) and its UI.

start: launches `prefect server start` on 127.0.0.1, waits until it answers,
and sets PREFECT_API_URL in the project's Prefect profile (data/prefect), so
later `peacewire` runs report to it. stop: stops it and removes the setting,
so runs go back to a temporary API.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from http import HTTPStatus
from pathlib import Path

from peacewire.settings import SettingsError, apply_prefect_environment, load_settings


def _prefect(*args: str) -> None:
    subprocess.run(
        [str(Path(sys.executable).with_name("prefect")), *args], check=True, stdout=subprocess.DEVNULL
    )


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/health", timeout=2) as resp:
            return bool(resp.status == HTTPStatus.OK)
    except OSError:
        return False


def start(home: Path, port: int) -> int:
    url = f"http://127.0.0.1:{port}"
    if _healthy(url):
        print(f"a Prefect server already answers on {url}")
        return 0
    log = (home / "server.log").open("ab")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("prefect")),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    (home / "server.pid").write_text(str(proc.pid))
    deadline = time.monotonic() + 120
    while not _healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            print(f"the Prefect server did not start; see {home / 'server.log'}", file=sys.stderr)
            return 1
        time.sleep(1)
    _prefect("config", "set", f"PREFECT_API_URL={url}/api")
    print(f"Prefect UI: {url}  (peacewire runs now report to it; `make ui-stop` stops it)")
    return 0


def stop(home: Path) -> int:
    pid_file = home / "server.pid"
    if pid_file.exists():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)
        pid_file.unlink()
    _prefect("config", "unset", "PREFECT_API_URL", "-y")
    print("Prefect server stopped; runs use a temporary API again")
    return 0


def main(argv: list[str]) -> int:
    try:
        settings = load_settings()
        apply_prefect_environment(settings)
    except SettingsError as exc:
        print(f"peacewire: error: {exc}", file=sys.stderr)
        return 1
    home = Path(os.environ["PREFECT_HOME"])
    os.environ.pop("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", None)
    return start(home, settings.ui_port) if argv[:1] == ["start"] else stop(home)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
