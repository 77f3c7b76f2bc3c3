"""The Prefect API a command talks to: the configured one, or a temporary server that dies with the command.

Prefect's own ephemeral mode starts the same server (uvicorn with Prefect's app factory, services and UI
off) but ties its lifetime to an ``atexit`` handler, which never runs when the command is killed with
SIGKILL: the server then ran on for good. Here the command starts it itself, from the main thread, through
``peacewire.lifeline`` (the kernel stops it when the command dies, however it dies), on a socket the command
bound (no port race), waits until it answers, points Prefect at it, and stops it when the block ends after
the run's events and logs have been sent (see docs/decisions.md).

Prefect is imported inside the functions, never at the top: it reads its PREFECT_* environment at import,
which the CLI sets (``apply_prefect_environment``) after importing this module.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http import HTTPStatus
from pathlib import Path

from peacewire.errors import UserError
from peacewire.lifeline import command

# What Prefect's ephemeral server runs with (prefect.server.api.server.SubprocessASGIServer).
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# SIGTERM: uvicorn shuts down cleanly (Prefect's SQLite closed) when the command dies.
DEATH_SIGNAL = signal.SIGTERM
# After the run: seconds for the server to stop on SIGTERM before it is killed, and for the run's
# queued events and logs to reach it before it stops.
STOP_SECONDS = 10.0
DRAIN_SECONDS = 10.0


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _server_command(fd: int) -> list[str]:
    import prefect  # noqa: PLC0415 (see the module's docstring: Prefect is imported late)

    app_dir = str(Path(prefect.__file__).resolve().parent.parent)
    uvicorn = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        app_dir,
        "--factory",
        "prefect.server.api.server:create_app",
        "--fd",
        str(fd),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    return command(os.getpid(), DEATH_SIGNAL, uvicorn)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
            return bool(resp.status == HTTPStatus.OK)
    except OSError:
        return False


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _healthy(url):
        if proc.poll() is not None:
            raise UserError(f"the temporary Prefect API exited at start-up (status {proc.returncode})")
        if time.monotonic() > deadline:
            raise UserError(
                f"the temporary Prefect API did not answer within {timeout:.0f} s "
                "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)"
            )
        time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _drain() -> None:
    """Send what the run queued (events: task-run history; logs) before the server goes away."""
    from prefect.events.worker import EventsWorker  # noqa: PLC0415 (imported late, see the docstring)
    from prefect.logging.handlers import APILogWorker  # noqa: PLC0415

    for worker in (EventsWorker, APILogWorker):
        with suppress(Exception):  # best effort: a lost log line must not fail a finished run
            worker.drain_all(timeout=DRAIN_SECONDS)


@contextmanager
def temporary_server(startup_timeout: float) -> Iterator[str]:
    """A Prefect API server for the block, on 127.0.0.1; yields its API URL."""
    if threading.current_thread() is not threading.main_thread():
        # The parent-death signal fires when the forking *thread* ends: from another thread the server
        # would be stopped as soon as that thread is done, mid-run.
        raise RuntimeError("start the temporary Prefect server from the main thread")
    sock = _listening_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
    try:
        proc = subprocess.Popen(
            _server_command(sock.fileno()),
            pass_fds=(sock.fileno(),),
            env={**os.environ, **SERVER_ENV},
            stdout=subprocess.DEVNULL,
        )
    finally:
        sock.close()  # the server holds its own copy
    try:
        _wait_healthy(proc, url, startup_timeout)
        try:
            yield url
        finally:
            _drain()
    finally:
        _stop(proc)


@contextmanager
def prefect_api() -> Iterator[str | None]:
    """Run the block against the configured Prefect API, else against a temporary server (its URL)."""
    from prefect.settings import (  # noqa: PLC0415 (imported late, see the docstring)
        PREFECT_API_URL,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        get_current_settings,
        temporary_settings,
    )

    if get_current_settings().api.url:  # `make ui`, a server or Prefect Cloud the user configured
        yield None
        return
    with temporary_server(float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())) as url:
        os.environ["PREFECT_API_URL"] = url  # for processes Prefect starts (the runs of `serve`)
        try:
            with temporary_settings({PREFECT_API_URL: url}):
                yield url
        finally:
            os.environ.pop("PREFECT_API_URL", None)
