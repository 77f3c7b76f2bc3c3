"""The only module that touches the network: a polite, bounded HTTP client.

* a global concurrency limit and one per host;
* timeouts, at most 5 redirects (followed here, each hop checked), http/https only;
* no private, loopback, link-local or metadata address, by URL or by DNS answer,
  unless the allow-list names it (extractors/netpolicy.py);
* bodies read raw and decoded here in bounded steps (gzip/deflate, at most 2 layers, other codings
  refused: extractors/decompress.py), cut at a maximum size as they decode (outcome ``too_large``);
* retries with exponential backoff and jitter on connection errors, timeouts,
  408/429/5xx, honouring Retry-After up to a cap;
* conditional GET (If-None-Match / If-Modified-Since) when validators are given.
"""

from __future__ import annotations

import asyncio
import random
import socket
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from extractors import decompress
from extractors.netpolicy import AllowList, refusal
from extractors.robots import ALLOW_ALL, DISALLOW_ALL, Robots, parse_robots
from extractors.urls import host_of

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
RETRY_AFTER_CAP = 30.0
BACKOFF_BASE = 0.5


@dataclass(frozen=True)
class Request:
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class ClientConfig:
    user_agent: str
    timeout: float
    retries: int
    max_bytes: int
    concurrency: int
    per_host: int
    allow: AllowList = field(default_factory=AllowList)
    total_timeout: float = 60.0  # a slow drip must not hold a run: whole request, redirects included
    host_delay: float = 0.0  # seconds between request starts on one host (robots Crawl-delay may raise it)


@dataclass(frozen=True)
class Response:
    url: str
    final_url: str | None
    status: int | None
    outcome: str  # 'ok' | 'not_modified' | 'fetch_error' | 'too_large' | 'blocked'
    body: bytes = field(default=b"", repr=False)
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    attempts: int = 1
    duration_ms: int = 0
    retry_after: float | None = None
    content_language: str | None = None


class TooLarge(Exception):
    pass


class Refused(Exception):
    """The URL may not be fetched (scheme or address policy)."""


REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _split(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of url; httpx.InvalidURL when it cannot be parsed, Refused when not http(s)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", a port that is no number
        raise httpx.InvalidURL(f"{exc}: {url[:200]}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"not an http(s) URL: {url[:200]}")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:  # a label over 63 characters, an empty label
        raise httpx.InvalidURL(f"host name {host[:100]!r}: {exc}") from None
    return sorted({str(info[4][0]) for info in infos})


async def _guard(url: str, config: ClientConfig) -> None:
    """Raise Refused unless url is http(s) and every address its host resolves to is allowed on its port."""
    _, host, port = _split(url)
    reason = refusal(host, await _resolve(host, port), port, config.allow)
    if reason:
        raise Refused(reason)


async def _check_location(resp: httpx.Response) -> None:
    """httpx parses a redirect's Location even when it does not follow it, and calls a bad one a protocol
    error (which we would retry); it is the page's own error: InvalidURL, not retried."""
    if resp.has_redirect_location:
        location = resp.headers["location"]
        try:
            httpx.URL(location)
        except httpx.InvalidURL as exc:
            raise httpx.InvalidURL(f"redirect to {location[:200]!r}: {exc}") from None


def _follow(url: str, location: str) -> str:
    try:
        return urljoin(url, location)
    except ValueError as exc:
        raise httpx.InvalidURL(f"redirect to {location[:200]!r}: {exc}") from None


def _headers(req: Request, config: ClientConfig) -> dict[str, str]:
    headers = {"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate"}
    if req.etag:
        headers["If-None-Match"] = req.etag
    if req.last_modified:
        headers["If-Modified-Since"] = req.last_modified
    return headers


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return min(RETRY_AFTER_CAP, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        delta = parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None
    return min(RETRY_AFTER_CAP, max(0.0, delta))


def _backoff(attempt: int) -> float:
    return BACKOFF_BASE * 2**attempt * (0.5 + random.random())


async def _read(resp: httpx.Response, limit: int) -> bytes:
    """The body, decoded by us in bounded steps (httpx would inflate a whole network chunk at once);
    the cap applies to the bytes on the wire and to the decoded bytes as they are produced."""
    decoder = decompress.decoder(resp.headers.get("content-encoding"))
    chunks: list[bytes] = []
    wire = size = 0
    async for raw in resp.aiter_raw():
        wire = _within(wire + len(raw), limit)
        for piece in decoder.feed(raw):
            size = _within(size + len(piece), limit)
            chunks.append(piece)
    return b"".join(chunks)


def _within(size: int, limit: int) -> int:
    if size > limit:
        raise TooLarge(f"body larger than {limit} bytes")
    return size


async def _once(client: httpx.AsyncClient, req: Request, config: ClientConfig) -> Response:
    url = req.url
    for _ in range(MAX_REDIRECTS + 1):
        await _guard(url, config)
        async with client.stream("GET", url, headers=_headers(req, config)) as resp:
            status, h = resp.status_code, resp.headers
            if status in REDIRECTS and h.get("location"):
                url = _follow(url, h["location"])
                continue
            if status == 304:
                return Response(req.url, url, 304, "not_modified")
            if status != 200:
                wait = _retry_after(h.get("retry-after")) if status in RETRY_STATUS else None
                return Response(req.url, url, status, "fetch_error", error=f"HTTP {status}",
                                retry_after=wait)  # fmt: skip
            body = await _read(resp, config.max_bytes)
            return Response(req.url, url, status, "ok", body, h.get("content-type"),
                            h.get("etag"), h.get("last-modified"),
                            content_language=h.get("content-language"))  # fmt: skip
    return Response(req.url, url, None, "fetch_error", error=f"more than {MAX_REDIRECTS} redirects")


def _error(req: Request, outcome: str, exc: Exception) -> Response:
    message = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return Response(req.url, None, None, outcome, error=message[:300])


async def fetch_one(client: httpx.AsyncClient, req: Request, config: ClientConfig) -> Response:
    """GET with retries; never raises for network trouble (the Response says what happened)."""
    start = time.monotonic()
    attempt = 0
    while True:
        result, retryable = await _attempt(client, req, config)
        if not retryable or attempt >= config.retries:
            break
        await asyncio.sleep(max(result.retry_after or 0.0, _backoff(attempt)))
        attempt += 1
    ms = int((time.monotonic() - start) * 1000)
    return replace(result, attempts=attempt + 1, duration_ms=ms)


async def _attempt(client: httpx.AsyncClient, req: Request, config: ClientConfig) -> tuple[Response, bool]:
    """One try, and whether it is worth another."""
    try:
        result = await asyncio.wait_for(_once(client, req, config), config.total_timeout)
        return result, result.status in RETRY_STATUS
    except TimeoutError:
        message = f"TotalTimeout: no complete response within {config.total_timeout:g} s"
        return Response(req.url, None, None, "fetch_error", error=message), True
    except TooLarge as exc:
        return _error(req, "too_large", exc), False
    except decompress.DecodeError as exc:
        return Response(req.url, None, None, "fetch_error", error=str(exc)), False
    except Refused as exc:
        return Response(req.url, None, None, "blocked", error=str(exc)), False
    except socket.gaierror as exc:
        return Response(req.url, None, None, "fetch_error", error=f"DNS: {exc.strerror}"), True
    except (httpx.TransportError, httpx.InvalidURL, OSError) as exc:
        return _error(req, "fetch_error", exc), not isinstance(exc, httpx.InvalidURL)


class Host:
    """Per-host politeness: a concurrency limit, spacing between request starts, robots.txt."""

    def __init__(self, config: ClientConfig) -> None:
        self.slots = asyncio.Semaphore(config.per_host)
        self.lock = asyncio.Lock()
        self.next_start = 0.0
        self.delay = config.host_delay
        self.robots: Robots | None = None

    async def turn(self) -> None:
        async with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.delay
        await asyncio.sleep(start - now)

    async def rules(self, client: httpx.AsyncClient, url: str, config: ClientConfig) -> Robots:
        async with self.lock:
            if self.robots is None:
                self.robots = await _robots(client, url, config)
                self.delay = max(self.delay, self.robots.crawl_delay)
            return self.robots


async def _robots(client: httpx.AsyncClient, url: str, config: ClientConfig) -> Robots:
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    small = replace(config, max_bytes=500_000, retries=0)
    result, _ = await _attempt(client, Request(robots_url), small)
    if result.outcome == "ok":
        return parse_robots(result.body.decode("utf-8", "replace"), config.user_agent)
    if result.status is not None and result.status >= 500:
        return DISALLOW_ALL  # RFC 9309: an unreachable robots.txt means "do not crawl" for now
    return ALLOW_ALL  # 4xx or no answer: no rules


async def _polite(client: httpx.AsyncClient, host: Host, req: Request, config: ClientConfig,
                  robots: bool) -> Response:  # fmt: skip
    async with host.slots:
        if robots and not (await host.rules(client, req.url, config)).allows(req.url):
            return Response(req.url, None, None, "blocked", error="disallowed by robots.txt")
        await host.turn()
        return await fetch_one(client, req, config)


def _host_key(url: str) -> str:
    """The host whose politeness limits apply; "" for a URL too broken to have one (it fails in _split)."""
    try:
        return host_of(url)
    except ValueError:
        return ""


async def _fetch_all(requests: Sequence[Request], config: ClientConfig, robots: bool) -> list[Response]:
    overall = asyncio.Semaphore(config.concurrency)
    hosts: defaultdict[str, Host] = defaultdict(lambda: Host(config))
    timeout = httpx.Timeout(config.timeout)
    hooks = {"response": [_check_location]}
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False,
                                 event_hooks=hooks) as client:  # fmt: skip

        async def run(req: Request) -> Response:
            async with overall:
                return await _polite(client, hosts[_host_key(req.url)], req, config, robots)

        return list(await asyncio.gather(*(run(r) for r in requests)))


def fetch_many(requests: Sequence[Request], config: ClientConfig, robots: bool = False) -> list[Response]:
    """Fetch every request concurrently within the limits; results in request order.

    With robots=True (article pages), robots.txt of each host is fetched once and obeyed.
    """
    if not requests:
        return []
    return asyncio.run(_fetch_all(requests, config, robots))
