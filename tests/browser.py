"""Headless Chromium (Debian's `chromium`) for the report test: console errors, the DOM, a screenshot.

Chromium's proxy is a trap on 127.0.0.1 that records the first line of every
request and answers nothing: a page that tries to load anything from the network
(a CDN script, a web font) is caught, and renders as it would offline.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
         "--disable-background-networking", "--disable-extensions", "--no-first-run",
         "--disable-component-update", "--disable-sync", "--disable-domain-reliability",
         "--disable-client-side-phishing-detection", "--no-default-browser-check", "--no-pings",
         "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate,"
         "AutofillServerCommunication,CertificateTransparencyComponentUpdater",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000"]  # fmt: skip
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]? (.*)")
# Chromium's own background services, which some builds contact whatever the flags: not the page's.
BROWSER_OWN = re.compile(r"^(CONNECT |GET http://)(accounts|android\.clients|www|clients\d?)\.google\.com[:/]"
                         r"|^CONNECT (redirector\.gvt1\.com|update\.googleapis\.com):")  # fmt: skip


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
    requests: list[str]  # every request that tried to leave the machine
    dom: str


def render(page: Path, screenshot: Path | None = None, height: int = 3000) -> Rendered:
    browser, url = chromium(), page.resolve().as_uri()
    with trap() as (port, requests):
        flags = [*FLAGS, f"--proxy-server=127.0.0.1:{port}"]
        run = subprocess.run(
            [browser, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=180
        )
        if screenshot is not None:
            subprocess.run([browser, *flags, f"--window-size=1280,{height}", f"--screenshot={screenshot}", url],
                           capture_output=True, timeout=180, check=True)  # fmt: skip
    page_requests = [r for r in requests if not BROWSER_OWN.match(r)]
    return Rendered([m.group(1) for m in CONSOLE.finditer(run.stderr)], page_requests, run.stdout)
