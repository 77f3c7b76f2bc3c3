"""The only module that touches the network: a polite, bounded HTTP client.

* a global concurrency limit and one per host;
* timeouts, at most 5 redirects (followed here, each hop checked), http/https only;
* only globally reachable addresses (IANA's special-purpose registries), checked on the URL literal,
  every DNS answer and every redirect hop, unless the allow-list names it, on its port if it gives one
  (extractors/netpolicy.py); a URL that cannot be parsed is a fetch_error, never an exception;
* bodies read raw and decoded here in bounded steps (gzip/deflate, at most 2 layers, other codings
  refused: extractors/decompress.py), cut at a maximum size as they decode (outcome ``too_large``);
* retries with exponential backoff and jitter on connection errors, timeouts,
  408/429/5xx, honouring Retry-After up to a cap;
* conditional GET (If-None-Match / If-Modified-Since) when validators are given;
* a time budget per run and per host (Budget, shared by every fetch_many of a run): waiting for a
  host's turn (Crawl-delay), its robots.txt, retries and backoff all count, and a request that cannot
  start or finish within it ends as ``deferred`` with the reason, never dropped.
"""

from __future__ import annotations

import asyncio
import math
import random
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import httpx

from extractors import decompress
from extractors.netpolicy import AllowList, refusal
from extractors.outcome import FetchOutcome
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


class Budget:
    """Seconds of fetching a run may spend in all, and on any one host; one object per run, shared by its
    fetch_many calls (feeds, then each batch of pages), which charge it as they end. A plain class: Prefect
    passes it to tasks as it is (a dataclass could be rebuilt field by field, losing the charges)."""

    def __init__(self, run_seconds: float = math.inf, host_seconds: float = math.inf) -> None:
        self.run_seconds, self.host_seconds = run_seconds, host_seconds
        self.run_spent = 0.0
        self.host_spent: dict[str, float] = {}

    def run_end(self, now: float) -> float:
        return now + max(0.0, self.run_seconds - self.run_spent)

    def host_end(self, host: str, now: float, run_end: float) -> tuple[float, str]:
        """When work on host must stop in this call, and why."""
        end = now + max(0.0, self.host_seconds - self.host_spent.get(host, 0.0))
        if end < run_end:
            return end, f"the host budget ({self.host_seconds:g} s of fetching per run) for {host} is spent"
        return run_end, f"the run's fetch budget ({self.run_seconds:g} s) is spent"

    def charge(self, run_seconds: float, hosts: dict[str, float]) -> None:
        self.run_spent += run_seconds
        for host, seconds in hosts.items():
            self.host_spent[host] = self.host_spent.get(host, 0.0) + seconds


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
    budget: Budget = field(default_factory=Budget, compare=False)  # unlimited unless the run passes its own


@dataclass(frozen=True)
class Response:
    url: str
    final_url: str | None
    status: int | None
    outcome: FetchOutcome
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
    return BACKOFF_BASE * 2.0**attempt * (0.5 + random.random())


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
            if status == HTTPStatus.NOT_MODIFIED:
                return Response(req.url, url, status, FetchOutcome.NOT_MODIFIED)
            if status != HTTPStatus.OK:
                wait = _retry_after(h.get("retry-after")) if status in RETRY_STATUS else None
                return Response(
                    req.url, url, status, FetchOutcome.FETCH_ERROR, error=f"HTTP {status}", retry_after=wait
                )
            body = await _read(resp, config.max_bytes)
            return Response(
                req.url,
                url,
                status,
                FetchOutcome.OK,
                body,
                h.get("content-type"),
                h.get("etag"),
                h.get("last-modified"),
                content_language=h.get("content-language"),
            )
    return Response(
        req.url, url, None, FetchOutcome.FETCH_ERROR, error=f"more than {MAX_REDIRECTS} redirects"
    )


def _error(req: Request, outcome: FetchOutcome, exc: Exception) -> Response:
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


# One return per kind of failure: the table of what each becomes and whether it is retried.
async def _attempt(  # noqa: PLR0911
    client: httpx.AsyncClient, req: Request, config: ClientConfig
) -> tuple[Response, bool]:
    """One try, and whether it is worth another."""
    try:
        result = await asyncio.wait_for(_once(client, req, config), config.total_timeout)
        return result, result.status in RETRY_STATUS
    except TimeoutError:
        message = f"TotalTimeout: no complete response within {config.total_timeout:g} s"
        return Response(req.url, None, None, FetchOutcome.FETCH_ERROR, error=message), True
    except TooLarge as exc:
        return _error(req, FetchOutcome.TOO_LARGE, exc), False
    except decompress.DecodeError as exc:
        return Response(req.url, None, None, FetchOutcome.FETCH_ERROR, error=str(exc)), False
    except Refused as exc:
        return Response(req.url, None, None, FetchOutcome.BLOCKED, error=str(exc)), False
    except socket.gaierror as exc:
        return Response(req.url, None, None, FetchOutcome.FETCH_ERROR, error=f"DNS: {exc.strerror}"), True
    except (httpx.TransportError, httpx.InvalidURL, OSError) as exc:
        return _error(req, FetchOutcome.FETCH_ERROR, exc), not isinstance(exc, httpx.InvalidURL)


class Host:
    """Per-host politeness (a concurrency limit, spacing between request starts, robots.txt) and the
    host's share of the budget: its clock starts when its first request of this call gets to work."""

    def __init__(self, name: str, config: ClientConfig, run_end: float) -> None:
        self.name, self.budget, self.run_end = name, config.budget, run_end
        self.slots = asyncio.Semaphore(config.per_host)
        self.lock = asyncio.Lock()
        self.next_start = 0.0
        self.delay = config.host_delay
        self.robots: Robots | None = None
        self.first: float | None = None
        self.last = 0.0
        self.deadline, self.reason = math.inf, ""

    def touch(self) -> float:
        """Seconds left for this host (its clock starts at the first call)."""
        now = time.monotonic()
        if self.first is None:
            self.first = now
            self.deadline, self.reason = self.budget.host_end(self.name, now, self.run_end)
        return self.deadline - now

    async def turn(self) -> bool:
        """Wait for this host's next start; False, without waiting, when it falls past the budget."""
        async with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            if start >= self.deadline:
                return False
            self.next_start = start + self.delay
        await asyncio.sleep(start - now)
        return True

    async def rules(self, client: httpx.AsyncClient, url: str, config: ClientConfig) -> Robots:
        async with self.lock:
            if self.robots is None:
                self.robots = await _robots(client, url, config)
                self.delay = max(self.delay, self.robots.crawl_delay)
            return self.robots

    def spent(self) -> float:
        return 0.0 if self.first is None else max(0.0, self.last - self.first)


async def _robots(client: httpx.AsyncClient, url: str, config: ClientConfig) -> Robots:
    try:
        _split(url)
    except (httpx.InvalidURL, Refused):
        return ALLOW_ALL  # no robots.txt to ask for: the page's own fetch says what is wrong with its URL
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    small = replace(config, max_bytes=500_000, retries=0)
    result, _ = await _attempt(client, Request(robots_url), small)
    if result.outcome == FetchOutcome.OK:
        return parse_robots(result.body.decode("utf-8", "replace"), config.user_agent)
    if result.status is not None and result.status >= HTTPStatus.INTERNAL_SERVER_ERROR:
        return DISALLOW_ALL  # RFC 9309: an unreachable robots.txt means "do not crawl" for now
    return ALLOW_ALL  # 4xx or no answer: no rules


def _deferred(req: Request, reason: str, started: float | None) -> Response:
    when = "before it started" if started is None else f"after {time.monotonic() - started:.1f} s"
    return Response(
        req.url, None, None, FetchOutcome.DEFERRED, error=f"{reason}: deferred {when}", attempts=0
    )


async def _polite(
    client: httpx.AsyncClient, host: Host, req: Request, config: ClientConfig, robots: bool
) -> Response:
    if robots and not (await host.rules(client, req.url, config)).allows(req.url):
        return Response(req.url, None, None, FetchOutcome.BLOCKED, error="disallowed by robots.txt")
    if not await host.turn():
        return _deferred(req, host.reason, None)
    return await fetch_one(client, req, config)


async def _budgeted(
    client: httpx.AsyncClient, host: Host, req: Request, config: ClientConfig, robots: bool
) -> Response:
    """_polite within the host's budget: cut at its deadline, never started past it."""
    left, started = host.touch(), time.monotonic()
    if left <= 0:
        return _deferred(req, host.reason, None)
    try:
        async with asyncio.timeout(left if math.isfinite(left) else None) as limit:
            return await _polite(client, host, req, config, robots)
    except TimeoutError:
        if not limit.expired():
            raise
        return _deferred(req, host.reason, started)
    finally:
        host.last = max(host.last, time.monotonic())


def _host_key(url: str) -> str:
    """The host whose politeness limits apply; "" for a URL too broken to have one (it fails in _split)."""
    try:
        return host_of(url)
    except ValueError:
        return ""


async def _fetch_all(requests: Sequence[Request], config: ClientConfig, robots: bool) -> list[Response]:
    overall = asyncio.Semaphore(config.concurrency)
    start = time.monotonic()
    run_end = config.budget.run_end(start)
    hosts = {key: Host(key, config, run_end) for key in {_host_key(r.url) for r in requests}}
    timeout = httpx.Timeout(config.timeout)
    hooks = {"response": [_check_location]}
    try:
        async with httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, trust_env=False, event_hooks=hooks
        ) as client:

            async def run(req: Request) -> Response:
                host = hosts[_host_key(req.url)]
                async with host.slots, overall:  # host first: one host's queue must not hold global slots
                    return await _budgeted(client, host, req, config, robots)

            return list(await asyncio.gather(*(run(r) for r in requests)))
    finally:
        config.budget.charge(time.monotonic() - start, {k: h.spent() for k, h in hosts.items() if h.first})


def fetch_many(requests: Sequence[Request], config: ClientConfig, robots: bool = False) -> list[Response]:
    """Fetch every request concurrently within the limits; results in request order.

    With robots=True (article pages), robots.txt of each host is fetched once and obeyed.
    """
    if not requests:
        return []
    return asyncio.run(_fetch_all(requests, config, robots))
