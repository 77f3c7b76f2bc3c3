"""`make bench-faults`: peak memory against stacked gzip bombs, and the wall time of a drip/hang probe.

1. Bombs: for each size (GiB of zeros once decoded), a feed on 127.0.0.1 links two good pages, a
   ``gzip, gzip`` bomb and a ``deflate, gzip`` bomb of that size; a whole ``peacewire ingest`` runs in a
   child process, which reports its own peak RSS (VmHWM), and so does a child that only calls
   ``http.fetch_many`` on the bombs. A run without bombs is the baseline.
2. Probe: a host on 127.0.0.1 that drips every path at 1 byte/s (robots.txt too) and a feed linking 3
   of its pages; ``peacewire ingest`` under the default fetch budget, wall time measured.

Nothing leaves 127.0.0.1: the child's allow-list names the local sites' ports only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import duckdb

from tests.devsite import running
from tests.faultsite import FaultSite, encoded, gzip_zeros, rss, send, serve_faults, zlib_zeros

# Peak RSS is the kernel's VmHWM of the child's own memory: getrusage's ru_maxrss of a child started
# by subprocess (vfork + exec) starts at the parent's RSS, here the server holding the bombs.
PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024"
INGEST = f"""
import json, sys, time
from peacewire.cli import main
t = time.monotonic()
rc = main(["ingest", "--feeds", sys.argv[1], "--db", sys.argv[2]])
print(json.dumps({{"rc": rc, "seconds": time.monotonic() - t, "peak_mb": {PEAK}}}))
"""
CLIENT = f"""
import json, sys
from extractors.http import ClientConfig, Request, fetch_many
from extractors.netpolicy import parse_allow_list
config = ClientConfig("bench", 10.0, 0, 5_000_000, 4, 2, parse_allow_list("127.0.0.0/8"))
out = fetch_many([Request(u) for u in sys.argv[1:]], config)
print(json.dumps({{"outcomes": [r.outcome for r in out], "peak_mb": {PEAK}}}))
"""
DRIP_SECONDS = 600  # the probe host gives up after 10 minutes (bounded, like every load we make)


def child(code: str, args: list[str], env: dict[str, str]) -> dict[str, object]:
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=os.environ | env, timeout=1800)  # fmt: skip
    if run.returncode != 0:
        raise SystemExit(run.stderr[-3000:])
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def feeds_file(folder: Path, url: str) -> Path:
    path = folder / "feeds.toml"
    path.write_text(f'[[feeds]]\nid = "f"\nurl = "{url}"\noutlet = "F"\nlanguage = "en"\n')
    return path


def env_for(folder: Path, base: str) -> dict[str, str]:
    return {"PEACEWIRE_DATA_DIR": str(folder), "PEACEWIRE_HOST_DELAY": "0",
            "PEACEWIRE_ALLOWED_HOSTS": base.removeprefix("http://")}  # fmt: skip


def add_bombs(site: FaultSite, gib: int) -> tuple[list[str], int]:
    """Routes for the two stacked bombs of gib GiB, and a feed /bench/feed linking them and two good pages;
    returns the page paths and the bombs' bytes on the wire."""
    paths, bombs = ["/good/1", "/good/2"], {}
    if gib:
        bombs = {"/bomb/gg": (gzip.compress(gzip_zeros(gib * 1024)), "gzip, gzip"),
                 "/bomb/dg": (gzip.compress(zlib_zeros(gib * 1024)), "deflate, gzip")}  # fmt: skip
    for path, (body, coding) in bombs.items():
        site.routes[path] = encoded(body, coding)
    feed = rss([(p, p, p) for p in [*paths, *bombs]])
    site.routes["/bench/feed"] = lambda h, n: send(h, 200, feed, "application/rss+xml")
    return [*paths, *bombs], sum(len(body) for body, _ in bombs.values())


def entries(db: Path) -> list[tuple[str, str, str | None]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute("SELECT url, outcome, detail FROM entries ORDER BY url").fetchall()
    return [(url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1], o, d) for url, o, d in rows]


def bench_bombs(sizes: list[int]) -> None:
    print("stacked bombs (GiB decoded; wire bytes) -> peak RSS of the ingest process / of the client alone")
    for gib in [0, *sizes]:
        with serve_faults() as site, tempfile.TemporaryDirectory() as tmp:
            paths, wire = add_bombs(site, gib)
            folder = Path(tmp)
            feeds, db = feeds_file(folder, site.url("/bench/feed")), folder / "w.duckdb"
            ingest = child(INGEST, [str(feeds), str(db)], env_for(folder, site.base))
            client = child(CLIENT, [site.url(p) for p in paths], {})
            stored = {path: outcome for path, outcome, _ in entries(db)}
            print(f"{gib:4d} GiB ({wire:,} bytes): ingest {ingest['peak_mb']:.0f} MB (rc {ingest['rc']}, "
                  f"{ingest['seconds']:.0f} s) {stored}")  # fmt: skip
            print(f"      client alone {client['peak_mb']:.0f} MB {client['outcomes']}")


def _drip(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    try:
        for _ in range(DRIP_SECONDS):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(1.0)
    except (BrokenPipeError, ConnectionResetError):
        pass


@contextmanager
def drip_host() -> Iterator[str]:
    """Every path drips (robots.txt too), but /feed, which links /a, /b and /c."""
    holder: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/feed":
                send(
                    self, 200, rss([(p, holder[0] + p, p) for p in ("/a", "/b", "/c")]), "application/rss+xml"
                )
            else:
                _drip(self)

        def log_message(self, format: str, *args: object) -> None:
            return

    with running(Handler) as base:
        holder.append(base)
        yield base


def bench_probe(budget: str | None) -> None:
    with drip_host() as base, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = env_for(folder, base) | ({"PEACEWIRE_FETCH_HOST_BUDGET": budget} if budget else {})
        t = time.monotonic()
        out = child(INGEST, [str(feeds_file(folder, base + "/feed")), str(folder / "w.duckdb")], env)
        wall = time.monotonic() - t
        rows = entries(folder / "w.duckdb")
    label = f"host budget {budget} s" if budget else "default budget"
    print(
        f"drip/hang probe, 3 URLs, {label}: wall {wall:.0f} s (ingest {out['seconds']:.0f} s, rc {out['rc']})"
    )
    for path, outcome, detail in rows:
        print(f"   {path}: {outcome} {detail or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bombs", default="1,10,100", help="bomb sizes in GiB decoded, comma-separated")
    parser.add_argument("--skip-bombs", action="store_true")
    parser.add_argument("--skip-probe", action="store_true")
    parser.add_argument(
        "--probe-budget", help="PEACEWIRE_FETCH_HOST_BUDGET for the probe (default: the default)"
    )
    args = parser.parse_args()
    if not args.skip_bombs:
        bench_bombs([int(x) for x in args.bombs.split(",") if x])
    if not args.skip_probe:
        bench_probe(args.probe_budget)


if __name__ == "__main__":
    main()
