"""A local news site on 127.0.0.1 for the demo and the tests (real HTTP, no internet).

Serves a folder; in feeds (.xml, .atom, .rss) the placeholder ``{{base}}`` is
replaced by the server's own address. Answers conditional GETs (ETag and
Last-Modified) with 304 like a well-behaved publisher, and counts requests per
path so tests can prove that nothing is fetched twice.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
FEED_SUFFIXES = (".xml", ".atom", ".rss")
LAST_MODIFIED = "Sun, 01 Mar 2026 08:00:00 GMT"


@dataclass
class Site:
    root: Path
    base: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    not_modified: Counter[str] = field(default_factory=Counter)

    def url(self, path: str) -> str:
        return self.base + path

    def body(self, path: str) -> bytes | None:
        file = (self.root / path.lstrip("/")).resolve()
        if not file.is_file() or self.root.resolve() not in file.parents:
            return None
        data = file.read_bytes()
        if file.suffix in FEED_SUFFIXES:
            data = data.replace(b"{{base}}", self.base.encode())
        return data


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            site.hits[path] += 1
            data = site.body(path)
            if data is None:
                self.send_error(404, "Not Found")
                return
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                site.not_modified[path] += 1
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", TYPES.get(Path(path).suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@contextmanager
def running(handler: type[BaseHTTPRequestHandler], port: int = 0) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 (a free port by default) for the block; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve(root: Path, port: int = 0) -> Iterator[Site]:
    """Serve root on 127.0.0.1 (a free port by default) for the duration of the block."""
    site = Site(root)
    with running(_handler(site), port) as base:
        site.base = base
        yield site


def write_feed_list(site: Site, path: Path, feeds: list[tuple[str, str, str, str]]) -> Path:
    """A feeds file naming this site's feeds: (id, path, outlet, language) each."""
    blocks = [
        f'[[feeds]]\nid = "{i}"\nurl = "{site.url(p)}"\noutlet = "{o}"\nlanguage = "{lang}"\n'
        for i, p, o, lang in feeds
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path
