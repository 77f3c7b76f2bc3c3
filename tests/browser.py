"""Headless Chromium (Debian's `chromium`) for the report test: console errors, the DOM, a screenshot.

Chromium's proxy is a trap on 127.0.0.1 that records the first line of every
request and answers nothing: nothing leaves the machine, and a page that tries to
load anything from the network (a CDN script, a web font) renders as it would offline.

Which requests were the page's own comes from Chromium's NetLog, not from the trap:
the browser contacts its own services too (Chromium 156 posts to its component
updater whatever the flags), and a list of their hosts is never complete. A request
the page made belongs to the page's network partition (its network isolation key
is the page's site: "file://" for a local file); the browser's own have another key.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# As little background traffic as Chromium allows (what is left is told apart by the NetLog, see above).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions", "--disable-component-extensions-with-background-pages",
         "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-default-browser-check",
         "--no-pings", "--metrics-recording-only", "--disable-breakpad",
         "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,"
         "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000"]  # fmt: skip
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]? (.*)")


@contextmanager
def trap() -> Iterator[tuple[int, list[str]]]:
    """A proxy that records each request line ("GET <url>", "CONNECT <host>:443") and closes."""
    seen: list[str] = []
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    line = conn.recv(4096).decode("latin-1").split("\r\n", 1)[0]
                except OSError:
                    line = ""
                if line:  # a connection that sent nothing requested nothing
                    seen.append(line)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], seen
    finally:
        stop.set()
        thread.join()
        server.close()


def chromium() -> str:
    """The browser, installed from Debian when missing and allowed (the test setup of .ci/run does it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, capture_output=True
        )
        found = shutil.which("chromium")
    if not found:
        raise RuntimeError("the report test needs Debian's chromium: sudo apt-get install chromium")
    return found


@dataclass(frozen=True)
class Rendered:
    console: list[str]  # every console message (errors included)
    requests: list[str]  # every network request the page made ("GET <url>")
    dom: str
    background: list[str]  # what reached the trap, the browser's own requests included (for diagnosis)


def _net_log(path: Path) -> dict[str, Any]:
    """A NetLog file; one cut short (the browser did not exit cleanly) is closed and read."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    for ending in ("", "]}", "{}]}"):
        try:
            return dict(json.loads(text.rstrip().rstrip(",") + ending))
        except json.JSONDecodeError:
            continue
    raise AssertionError(f"unreadable NetLog {path} ({len(text)} characters)")


def page_requests(net_log: dict[str, Any], site: str) -> list[str]:
    """The network requests in the page's own partition (its network isolation key starts with its site)."""
    start = net_log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for event in net_log.get("events", []):
        params = event.get("params", {})
        if event.get("type") == start and "url" in params:
            key = str(params.get("network_isolation_key", ""))
            if key.split(" ", 1)[0] == site:
                found.append(f"{params.get('method', 'GET')} {params['url']}")
    return found


def render(page: Path, screenshot: Path | None = None, height: int = 3000) -> Rendered:
    browser, url = chromium(), page.resolve().as_uri()
    with trap() as (port, background), tempfile.TemporaryDirectory(prefix="chromium-") as tmp:
        work = Path(tmp)

        def flags(n: int) -> list[str]:  # a fresh profile: nothing carried over between runs or tests
            return [*FLAGS, f"--proxy-server=127.0.0.1:{port}", f"--user-data-dir={work / f'profile-{n}'}",
                    f"--log-net-log={work / f'net-{n}.json'}", "--net-log-capture-mode=Default"]  # fmt: skip

        run = subprocess.run([browser, *flags(1), "--dump-dom", url], capture_output=True, text=True,
                             timeout=180)  # fmt: skip
        if screenshot is not None:
            subprocess.run([browser, *flags(2), f"--window-size=1280,{height}", f"--screenshot={screenshot}", url],
                           capture_output=True, timeout=180, check=True)  # fmt: skip
        logs = sorted(work.glob("net-*.json"))
        assert logs, "Chromium wrote no NetLog"
        requests = [r for log in logs for r in page_requests(_net_log(log), "file://")]
    return Rendered([m.group(1) for m in CONSOLE.finditer(run.stderr)], requests, run.stdout, background)
