"""A misbehaving news site on 127.0.0.1: every fault a real publisher's server shows.

Each path is one behaviour; request counts per path let tests check retries and
that nothing is fetched twice. Nothing here sends traffic anywhere but 127.0.0.1:
redirects to private or metadata addresses must be refused by the client
before any connection is made.
"""

from __future__ import annotations

import base64
import gzip
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from tests.devsite import running

# Addresses the client must refuse before connecting (they are never contacted: the
# tests assert the refusal) and a host whose links are only decoded, never fetched.
METADATA = "169.254.169.254"
PRIVATE = "10.0.0.1"
# Special-purpose addresses that ipaddress-based checks took for public (redirect targets, never contacted).
NOT_PUBLIC = {
    "/to-cgnat-metadata": "100.100.100.200", "/to-cgnat": "100.64.0.1", "/to-pcp-anycast": "192.0.0.9",
    "/to-site-local": "[fec0::1]", "/to-6to4-private": "[2002:a00:1::1]", "/to-ipv6-doc": "[3fff::1]",
}  # fmt: skip
GOOGLE_NEWS = "news.google.com"
SITE = Path(__file__).resolve().parent / "fixtures" / "site" / "articles"
GOOD = (SITE / "uk-talks.html").read_bytes()
GOOD2 = (SITE / "de-talks.html").read_bytes()
PAGES = {f"/good/{i}": (SITE / f"{name}.html").read_bytes()
         for i, name in ((3, "ru-talks"), (4, "en-minerals"), (5, "gaza"), (6, "battlefield"))}  # fmt: skip
# (path or URL, guid, pubDate) of the main fault feed; links are relative to the feed.
MAIN_ITEMS = [
    ("/good/1", "g1", "Mon, 01 Dec 2025 08:00:00 GMT"), ("/good/2", "g2", "Mon, 01 Dec 2025 09:00:00 GMT"),
    ("/redirect-good", "g3", ""), ("/throttled", "g4", ""), ("/flaky", "g5", ""),
    ("/notfound", "g6", ""), ("/gone", "g7", ""), ("/loop", "g8", ""), ("/to-private", "g9", ""),
    ("/to-metadata", "g10", ""), ("/to-file", "g11", ""), ("/huge", "g12", ""), ("/gzip-bomb", "g13", ""),
    ("/private/page", "g14", ""), (f"http://{METADATA}/latest/meta-data/", "g15", ""),
    ("/good/3", "g16", "Fri, 01 Jan 2100 00:00:00 GMT"), ("/good/4", "g17", ""),
    ("/good/5", "dup-guid", ""), ("/good/6", "dup-guid", ""),
]  # fmt: skip

# Google-style rules: the standard library's parser ignores the `*` and `$` lines.
ROBOTS = b"User-agent: *\nDisallow: /private/\nDisallow: /*?print=\nDisallow: /*.pdf$\nCrawl-delay: 0.5\n"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>/good/laughs</link></item></channel></rss>"""


MIB = 1 << 20
BOMB_MIB = 2048  # the stacked bombs decode to 2 GiB from ~5 KB on the wire


def deflate_zeros(mib: int) -> bytes:
    """A raw deflate stream of mib MiB of zeros, built from one flushed block repeated (fast)."""
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = c.compress(b"\0" * MIB) + c.flush(zlib.Z_FULL_FLUSH)
    return block * mib + zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS).flush()


def gzip_zeros(mib: int) -> bytes:
    """A valid gzip member of mib MiB of zeros (CRC and size included)."""
    crc, zeros = 0, b"\0" * MIB
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + deflate_zeros(mib) + struct.pack("<II", crc, (mib * MIB) & 0xFFFFFFFF)


def zlib_zeros(mib: int) -> bytes:
    """A valid zlib stream of mib MiB of zeros (the Adler-32 of n zeros is (n mod 65521) << 16 | 1)."""
    adler = ((mib * MIB) % 65521) << 16 | 1
    return b"\x78\x9c" + deflate_zeros(mib) + struct.pack(">I", adler)


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


def encoded(body: bytes, coding: str, ctype: str = "text/html; charset=utf-8"
            ) -> Callable[[BaseHTTPRequestHandler, int], None]:  # fmt: skip
    return lambda h, n: send(h, 200, body, ctype, headers={"Content-Encoding": coding})


def encoding_routes() -> dict[str, Callable[[BaseHTTPRequestHandler, int], None]]:
    """Content-Encoding, well-formed and hostile (the bombs decode to BOMB_MIB MiB)."""
    feed = rss([("Talks", "/good/1", "enc-1")])
    half = len(GOOD) // 2
    return {
        "/enc/gzip": encoded(gzip.compress(GOOD), "gzip"),
        "/enc/x-gzip": encoded(gzip.compress(GOOD), "x-gzip"),
        "/enc/deflate": encoded(zlib.compress(GOOD), "deflate"),
        "/enc/raw-deflate": encoded(raw_deflate(GOOD), "deflate"),
        "/enc/gzip-members": encoded(gzip.compress(GOOD[:half]) + gzip.compress(GOOD[half:]), "gzip"),
        "/enc/gzip-gzip": encoded(gzip.compress(gzip.compress(GOOD)), "gzip, gzip"),
        "/enc/feed": encoded(gzip.compress(feed), "GZIP", "application/rss+xml"),
        "/enc/gzip-gzip-bomb": encoded(gzip.compress(gzip_zeros(BOMB_MIB)), "gzip, gzip"),
        "/enc/deflate-gzip-bomb": encoded(gzip.compress(zlib_zeros(BOMB_MIB)), "deflate, gzip"),
        "/enc/br-gzip": encoded(gzip.compress(b"\x0b\x02\x80hello\x03"), "br, gzip"),
        "/enc/three": encoded(gzip.compress(gzip.compress(gzip.compress(GOOD))), "gzip, gzip, gzip"),
        "/enc/zstd": encoded(b"\x28\xb5\x2f\xfd" + GOOD, "zstd"),
        "/enc/corrupt": encoded(b"<html>not gzip at all</html>", "gzip"),
    }


def google_link(url: str) -> str:
    """A classic Google News article link: protobuf carrying the URL, base64url-encoded."""
    raw = b"\x08\x13\x22" + bytes([len(url)]) + url.encode() + b"\xd2\x01\x00"
    article_id = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"https://{GOOGLE_NEWS}/rss/articles/{article_id}?oc=5"


def rss(items: list[tuple[str, str, str]], encoding: str = "utf-8", declared: str = "utf-8",
        dates: list[str] | None = None) -> bytes:  # fmt: skip
    """An RSS 2.0 feed of (title, link, guid) items; dates: pubDate per item ("" for none)."""
    dates = dates or ["Mon, 01 Dec 2025 08:00:00 GMT"] * len(items)
    body = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{g}</guid>"
                   + (f"<pubDate>{d}</pubDate>" if d else "") + "</item>"
                   for (t, link, g), d in zip(items, dates, strict=True))  # fmt: skip
    text = f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>Faults</title>{body}</channel></rss>'
    return text.encode(encoding)


@dataclass
class FaultSite:
    base: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    routes: dict[str, Callable[[BaseHTTPRequestHandler, int], None]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base + path


def send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> None:  # fmt: skip
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


def _slow_drip(h: BaseHTTPRequestHandler, n: int) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    try:
        for _ in range(40):  # 40 bytes over 20 s: slower than any timeout the tests set
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.5)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _silent(h: BaseHTTPRequestHandler, n: int) -> None:
    """Accept the request and never answer (a hung backend): only a read timeout ends it."""
    time.sleep(20)


def _redirect(location: str) -> Callable[[BaseHTTPRequestHandler, int], None]:
    return lambda h, n: send(h, 302, headers={"Location": location})


def _page(body: bytes) -> Callable[[BaseHTTPRequestHandler, int], None]:
    return lambda h, n: send(h, 200, body)


def main_feed(site: FaultSite) -> bytes:
    """MAIN_ITEMS, plus a Google News link that encodes this site's /good/7."""
    items = [(p, p, g) for p, g, _ in MAIN_ITEMS] + [("gn", google_link(site.url("/good/7")), "gn-1")]
    return rss(items, dates=[d for *_, d in MAIN_ITEMS] + [""])


def default_routes(site: FaultSite) -> dict[str, Callable[[BaseHTTPRequestHandler, int], None]]:
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB of zeros in ~50 KB
    cp1251 = rss([("Переговоры в Женеве", "/good/cp1251", "cp1251-1")], encoding="cp1251", declared="utf-8")
    return {
        "/robots.txt": lambda h, n: send(h, 200, ROBOTS, "text/plain"),
        "/print/a": lambda h, n: send(h, 200, GOOD),
        "/brief.pdf": lambda h, n: send(h, 200, b"%PDF-1.4", "application/pdf"),
        "/private/page": lambda h, n: send(h, 200, GOOD),
        "/good/1": lambda h, n: send(h, 200, GOOD),
        "/good/2": lambda h, n: send(h, 200, GOOD2),
        "/good/cp1251": lambda h, n: send(h, 200, GOOD2.replace(b"Merz", b"Merz ")),
        "/notfound": lambda h, n: send(h, 404, b"gone"),
        "/gone": lambda h, n: send(h, 410, b"gone"),
        "/throttled": lambda h, n: (
            send(h, 429, b"", headers={"Retry-After": "1"}) if n == 1 else send(h, 200, GOOD)
        ),
        "/flaky": lambda h, n: send(h, 503 if n <= 2 else 200, GOOD if n > 2 else b"busy"),
        "/error500": lambda h, n: send(h, 500, b"oops"),
        "/loop": lambda h, n: send(h, 302, headers={"Location": "/loop2"}),
        "/loop2": lambda h, n: send(h, 302, headers={"Location": "/loop"}),
        "/to-private": lambda h, n: send(h, 302, headers={"Location": f"http://{PRIVATE}/secret"}),
        "/to-metadata": lambda h, n: send(
            h, 302, headers={"Location": f"http://{METADATA}/latest/meta-data/"}
        ),
        "/to-file": lambda h, n: send(h, 302, headers={"Location": "file:///etc/passwd"}),
        **{path: _redirect(f"http://{host}/latest/meta-data/") for path, host in NOT_PUBLIC.items()},
        "/to-bad-ipv6": _redirect("http://[::1/page"),
        "/to-bad-port": _redirect("http://127.0.0.1:99999/page"),
        "/to-long-label": _redirect("http://" + "a" * 64 + ".example/page"),
        "/redirect-good": lambda h, n: send(h, 301, headers={"Location": "/good/2"}),
        "/huge": lambda h, n: send(h, 200, b"<p>" + b"a" * 6_000_000 + b"</p>"),
        "/gzip-bomb": lambda h, n: send(h, 200, bomb, headers={"Content-Encoding": "gzip"}),
        "/slow": _slow_drip,
        "/silent": _silent,
        "/feed/laughs": lambda h, n: send(h, 200, BILLION_LAUGHS, "application/rss+xml"),
        "/feed/truncated": lambda h, n: send(
            h, 200, rss([("A", "/good/1", "t1")])[:-40], "application/rss+xml"
        ),
        "/feed/cp1251": lambda h, n: send(h, 200, cp1251, "application/rss+xml"),
        "/feed/html": lambda h, n: send(h, 200, b"<!DOCTYPE html><html><body>Not a feed</body></html>"),
        "/feed/empty": lambda h, n: send(h, 200, rss([]), "application/rss+xml"),
        "/feed/crash": lambda h, n: send(
            h,
            200,
            rss(
                [("a", "/good/1", "c1"), ("b", "/good/2", "c2"), ("s", "/slow", "c3"), ("c", "/good/3", "c4")]
            ),
        ),
        "/feed/main": lambda h, n: send(h, 200, main_feed(site), "application/rss+xml"),
        "/good/7": _page(PAGES["/good/4"]),
        **{path: _page(body) for path, body in PAGES.items()},
        **encoding_routes(),
    }


@contextmanager
def serve_faults() -> Iterator[FaultSite]:
    site = FaultSite()
    site.routes = default_routes(site)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            site.hits[path] += 1
            route = site.routes.get(path)
            if route is None:
                send(self, 404, b"no route")
            else:
                route(self, site.hits[path])

        def log_message(self, format: str, *args: object) -> None:
            return

    with running(Handler) as base:
        site.base = base
        yield site


@contextmanager
def local_service() -> Iterator[FaultSite]:
    """Another server on 127.0.0.1, standing for a local service (the Prefect UI on :4200): counts hits."""
    with serve_faults() as service:
        service.routes = {"/": lambda h, n: send(h, 200, b"local service")}
        yield service


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (connection refused)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
