"""The HTTP client against a misbehaving server on 127.0.0.1: every fault ends in a named outcome."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from extractors.feeds import parse_feed
from extractors.http import Budget, ClientConfig, Request, Response, fetch_many
from extractors.netpolicy import parse_allow_list
from tests.faultsite import (
    GOOD,
    METADATA,
    NOT_PUBLIC,
    FaultSite,
    closed_port,
    local_service,
    send,
    serve_faults,
)  # fmt: skip

CONFIG = ClientConfig("peacewire-test", timeout=2.0, retries=3, max_bytes=5_000_000, concurrency=8,
                      per_host=4, allow=parse_allow_list("127.0.0.0/8"))  # fmt: skip


@pytest.fixture(scope="module")
def site() -> Iterator[FaultSite]:
    with serve_faults() as s:
        yield s


def get(site: FaultSite, path: str, config: ClientConfig = CONFIG) -> Response:
    return fetch_many([Request(site.url(path))], config)[0]


@pytest.mark.parametrize(
    ("path", "outcome", "status", "error"),
    [
        ("/good/1", "ok", 200, None),
        ("/redirect-good", "ok", 200, None),
        ("/notfound", "fetch_error", 404, "HTTP 404"),
        ("/gone", "fetch_error", 410, "HTTP 410"),
        ("/loop", "fetch_error", None, "more than 5 redirects"),
        ("/to-private", "blocked", None, "non-public address 10.0.0.1"),
        ("/to-metadata", "blocked", None, "non-public address 169.254.169.254"),
        ("/to-file", "blocked", None, "not an http(s) URL"),
        ("/huge", "too_large", None, "larger than"),
        ("/gzip-bomb", "too_large", None, "larger than"),
    ],
)
def test_fault_outcomes(
    site: FaultSite, path: str, outcome: str, status: int | None, error: str | None
) -> None:
    r = get(site, path)
    assert r.outcome == outcome, r.error
    assert r.status == status
    assert (error is None and r.error is None) or (error is not None and error in (r.error or ""))


def test_slow_drip_hits_the_total_timeout(site: FaultSite) -> None:
    quick = ClientConfig("t", 2.0, 0, 1000, 1, 1, parse_allow_list("127.0.0.0/8"), total_timeout=3.0)
    r = get(site, "/slow", quick)
    assert r.outcome == "fetch_error" and "TotalTimeout" in (r.error or "") and r.duration_ms < 6000


def test_no_retry_for_permanent_errors(site: FaultSite) -> None:
    before = site.hits["/gone"]
    get(site, "/gone")
    assert site.hits["/gone"] - before == 1


def test_retry_after_is_honoured(site: FaultSite) -> None:
    r = get(site, "/throttled")
    assert r.outcome == "ok" and r.attempts == 2 and r.duration_ms >= 1000


def test_server_errors_recover_after_retries(site: FaultSite) -> None:
    r = get(site, "/flaky")
    assert r.outcome == "ok" and r.attempts == 3 and site.hits["/flaky"] == 3


def test_retries_are_bounded(site: FaultSite) -> None:
    r = get(site, "/error500")
    assert r.outcome == "fetch_error" and r.attempts == 4 and site.hits["/error500"] == 4


def test_refused_connection() -> None:
    r = fetch_many([Request(f"http://127.0.0.1:{closed_port()}/x")], CONFIG)[0]
    assert r.outcome == "fetch_error" and "ConnectError" in (r.error or "")


def test_loopback_is_refused_without_the_allow_list(site: FaultSite) -> None:
    closed = ClientConfig("t", 2.0, 0, 1000, 1, 1)
    r = get(site, "/good/1", closed)
    assert r.outcome == "blocked" and "127.0.0.1" in (r.error or "")
    assert fetch_many([Request(f"http://{METADATA}/latest/")], closed)[0].outcome == "blocked"


def test_robots_disallow_and_crawl_delay(site: FaultSite) -> None:
    start = site.hits["/private/page"]
    reqs = [Request(site.url(p)) for p in ("/private/page", "/good/1", "/good/2", "/redirect-good")]
    t0 = time.monotonic()
    out = fetch_many(reqs, CONFIG, robots=True)
    elapsed = time.monotonic() - t0
    assert out[0].outcome == "blocked" and "robots.txt" in (out[0].error or "")
    assert site.hits["/private/page"] == start  # never requested
    assert [r.outcome for r in out[1:]] == ["ok", "ok", "ok"]
    assert elapsed >= 1.0  # three fetches, Crawl-delay 0.5 s between starts


def test_robots_wildcards_and_end_anchors(site: FaultSite) -> None:
    before = (site.hits["/print/a"], site.hits["/brief.pdf"])
    paths = ("/print/a?print=1", "/brief.pdf", "/print/a?page=2", "/brief.pdf?v=2")
    out = fetch_many([Request(site.url(p)) for p in paths], CONFIG, robots=True)
    assert [r.outcome for r in out] == ["blocked", "blocked", "ok", "ok"], [r.error for r in out]
    assert "robots.txt" in (out[0].error or "") and "robots.txt" in (out[1].error or "")
    assert (site.hits["/print/a"], site.hits["/brief.pdf"]) == (before[0] + 1, before[1] + 1)


def test_host_spacing_without_robots(site: FaultSite) -> None:
    spaced = ClientConfig("t", 2.0, 0, 5_000_000, 8, 8, parse_allow_list("127.0.0.0/8"), host_delay=0.3)
    t0 = time.monotonic()
    fetch_many([Request(site.url("/good/1"))] * 4, spaced)
    assert time.monotonic() - t0 >= 0.9


def test_billion_laughs_feed_does_not_expand(site: FaultSite) -> None:
    r = get(site, "/feed/laughs")
    feed = parse_feed(r.body, site.url("/feed/laughs"))
    assert len(feed.entries[0].title if feed.entries else "") < 10_000


def test_truncated_feed_is_salvaged_and_marked(site: FaultSite) -> None:
    feed = parse_feed(get(site, "/feed/truncated").body, site.url("/"))
    assert feed.degraded


def test_cp1251_feed_declared_utf8_decodes(site: FaultSite) -> None:
    r = get(site, "/feed/cp1251")
    feed = parse_feed(r.body, site.url("/"), r.content_type)
    assert feed.entries and feed.entries[0].title == "Переговоры в Женеве"


def test_html_instead_of_a_feed_and_empty_feed(site: FaultSite) -> None:
    html = parse_feed(get(site, "/feed/html").body, site.url("/"))
    empty = parse_feed(get(site, "/feed/empty").body, site.url("/"))
    assert not html.ok and html.problem == "an HTML page, not a feed"
    assert empty.ok and empty.entries == ()


def test_well_formed_encodings_decode_to_the_page(site: FaultSite) -> None:
    paths = [
        "/enc/gzip",
        "/enc/x-gzip",
        "/enc/deflate",
        "/enc/raw-deflate",
        "/enc/gzip-members",
        "/enc/gzip-gzip",
    ]
    out = fetch_many([Request(site.url(p)) for p in paths], CONFIG)
    assert [(r.outcome, r.body == GOOD) for r in out] == [("ok", True)] * len(paths), [r.error for r in out]
    r = get(site, "/enc/feed")  # "Content-Encoding: GZIP": codings are case-insensitive
    assert [e.title for e in parse_feed(r.body, site.url("/"), r.content_type).entries] == ["Talks"]


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/enc/br-gzip", "unsupported Content-Encoding 'br'"),
        ("/enc/zstd", "unsupported Content-Encoding 'zstd'"),
        ("/enc/three", "3 content encodings (gzip, gzip, gzip): at most 2"),
        ("/enc/corrupt", "corrupt gzip body"),
    ],
)
def test_encodings_we_do_not_decode_are_refused_by_name(site: FaultSite, path: str, error: str) -> None:
    before = site.hits[path]
    r = get(site, path)
    assert r.outcome == "fetch_error" and error in (r.error or ""), r.error
    assert site.hits[path] == before + 1  # not retried: the same bytes would come back


# Fetches in a child process whose address space is capped at 1 GiB: each bomb decodes to 2 GiB.
CHILD = """
import json, sys
from extractors.http import ClientConfig, Request, fetch_many
from extractors.netpolicy import parse_allow_list
config = ClientConfig("t", 5.0, 0, 5_000_000, 1, 1, parse_allow_list("127.0.0.0/8"))
print(json.dumps([[r.outcome, r.error] for r in fetch_many([Request(u) for u in sys.argv[1:]], config)]))
"""


def _address_space_1gib() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_stacked_bombs_stop_at_the_cap_in_a_1gib_process(site: FaultSite) -> None:
    paths = ["/enc/gzip-gzip-bomb", "/enc/deflate-gzip-bomb", "/gzip-bomb"]
    run = subprocess.run([sys.executable, "-c", CHILD, *(site.url(p) for p in paths)], capture_output=True,
                         text=True, timeout=120, preexec_fn=_address_space_1gib)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout)
    assert [o for o, _ in out] == ["too_large"] * 3 and all("larger than 5000000" in e for _, e in out)


@pytest.mark.parametrize(("path", "host"), sorted(NOT_PUBLIC.items()))
def test_redirects_to_special_purpose_addresses_are_refused(site: FaultSite, path: str, host: str) -> None:
    r = get(site, path)  # allow-list 127.0.0.0/8: these are refused by the registries, before any connection
    assert r.outcome == "blocked" and f"non-public address {host.strip('[]')}" in (r.error or ""), r.error


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/to-bad-ipv6", "redirect to 'http://[::1/page'"),
        ("/to-bad-port", "Port out of range"),
        ("/to-long-label", "too long"),
    ],
)
def test_a_malformed_redirect_is_a_fetch_error_not_a_crash(site: FaultSite, path: str, error: str) -> None:
    before = site.hits[path]
    r = get(site, path)
    assert r.outcome == "fetch_error" and "InvalidURL" in (r.error or "") and error in (r.error or ""), (
        r.error
    )
    assert site.hits[path] == before + 1  # not retried


def test_malformed_urls_are_fetch_errors_with_robots_too() -> None:
    urls = [
        "http://[::1/",
        "http://127.0.0.1:99999/",
        "http://127.0.0.1:abc/",
        "http://" + "a" * 64 + ".example/",
    ]
    out = fetch_many([Request(u) for u in urls], CONFIG, robots=True)
    assert [r.outcome for r in out] == ["fetch_error"] * 4 and all(
        "InvalidURL" in (r.error or "") for r in out
    )


def _port(site: FaultSite) -> int:
    return int(site.base.rsplit(":", 1)[1])


def test_an_allowed_address_with_a_port_reaches_that_port_only(site: FaultSite) -> None:
    with local_service() as service:  # stands for the Prefect UI on :4200
        site.routes["/to-service"] = lambda h, n: send(h, 302, headers={"Location": service.url("/")})
        only_site = ClientConfig("t", 2.0, 0, 5_000_000, 4, 4, parse_allow_list(f"127.0.0.1:{_port(site)}"))
        ok, redirected, direct = fetch_many(
            [Request(site.url("/good/1")), Request(site.url("/to-service")), Request(service.url("/"))],
            only_site,
        )
        assert ok.outcome == "ok"
        assert redirected.outcome == direct.outcome == "blocked" and service.hits["/"] == 0
        assert f"non-public address 127.0.0.1, port {_port(service)}" in (redirected.error or "")


def test_a_host_name_with_a_port_is_allowed_by_name_and_checked_by_dns_answer(site: FaultSite) -> None:
    url = f"http://localhost:{_port(site)}/good/1"
    by_name = ClientConfig("t", 2.0, 0, 5_000_000, 4, 4, parse_allow_list(f"localhost:{_port(site)}"))
    other_port = ClientConfig("t", 2.0, 0, 5_000_000, 4, 4, parse_allow_list(f"localhost:{_port(site) + 1}"))
    assert fetch_many([Request(url)], by_name)[0].outcome == "ok"
    refused = fetch_many([Request(url)], other_port)[0]  # localhost resolves to 127.0.0.1: not public
    assert refused.outcome == "blocked" and "localhost resolves to non-public address 127.0.0.1" in (
        refused.error or ""
    )


LOCAL = parse_allow_list("127.0.0.0/8")


def test_dripping_and_silent_hosts_are_deferred_within_their_host_budget(site: FaultSite) -> None:
    """127.0.0.1, localhost and 127.1 are three hosts to the client (one server): drip, silent, good."""
    port, budget = _port(site), Budget(host_seconds=3.0)
    config = ClientConfig("t", 1.0, 3, 5_000_000, 8, 2, LOCAL, total_timeout=60.0, budget=budget)
    urls = [f"http://127.0.0.1:{port}/slow"] * 3 + [f"http://localhost:{port}/silent"] * 2
    out = fetch_many([Request(u) for u in [*urls, f"http://127.1:{port}/good/1"]], config)
    assert [r.outcome for r in out] == ["deferred"] * 5 + ["ok"], [r.error for r in out]
    assert "the host budget (3 s of fetching per run) for 127.0.0.1 is spent: deferred after" in (
        out[0].error or ""
    )
    assert "for localhost is spent: deferred after" in (out[3].error or "")
    assert (out[2].error or "").endswith("deferred before it started")  # queued behind the two drips
    # The budget is per run: a later call (the next batch) starts nothing on the spent host.
    hits = site.hits["/good/2"]
    later = fetch_many(
        [Request(f"http://127.0.0.1:{port}/good/2"), Request(f"http://127.0.1:{port}/good/2")], config
    )
    assert [r.outcome for r in later] == ["deferred", "ok"] and site.hits["/good/2"] == hits + 1
    assert (later[0].error or "").endswith("deferred before it started")


def test_retries_and_backoff_count_against_the_host_budget(site: FaultSite) -> None:
    before = site.hits["/error500"]
    config = ClientConfig("t", 2.0, 3, 5_000_000, 1, 1, LOCAL, budget=Budget(host_seconds=1.0))
    r = get(site, "/error500", config)  # 4 attempts with 0.5 + 1 + 2 s of backoff do not fit in 1 s
    assert (
        r.outcome == "deferred"
        and "host budget (1 s" in (r.error or "")
        and site.hits["/error500"] - before < 4
    )


def test_the_run_budget_spans_hosts_and_defers_what_cannot_start(site: FaultSite) -> None:
    port, budget = _port(site), Budget(run_seconds=3.0)
    config = ClientConfig("t", 2.0, 0, 5_000_000, 8, 8, LOCAL, host_delay=2.0, budget=budget)
    out = fetch_many([Request(f"http://127.0.0.1:{port}/good/{i}") for i in (1, 2, 3, 4)], config)
    assert [r.outcome for r in out] == ["ok", "ok", "deferred", "deferred"], [r.error for r in out]
    assert (out[2].error or "") == "the run's fetch budget (3 s) is spent: deferred before it started"
    # The call took ~2 s; the run's last second goes to a drip on another host, then nothing starts.
    drip = fetch_many([Request(f"http://localhost:{port}/slow")], config)[0]
    assert drip.outcome == "deferred" and "run's fetch budget (3 s) is spent: deferred after" in (
        drip.error or ""
    )
    last = fetch_many([Request(f"http://127.1:{port}/good/1")], config)[0]
    assert last.outcome == "deferred" and (last.error or "").endswith("deferred before it started")


def test_crawl_delay_waits_count_against_the_host_budget(site: FaultSite) -> None:
    config = ClientConfig("t", 2.0, 0, 5_000_000, 8, 8, LOCAL, budget=Budget(host_seconds=0.8))
    out = fetch_many([Request(site.url(f"/good/{i}")) for i in (1, 2, 3, 4)], config, robots=True)
    assert out[0].outcome == "ok" and out[1].outcome in ("ok", "deferred")  # starts at 0 and 0.5 s
    assert [r.outcome for r in out[2:]] == ["deferred", "deferred"]  # Crawl-delay 0.5: at 1.0 and 1.5 s
    assert all((r.error or "").endswith("deferred before it started") for r in out[2:])


def test_one_hosts_queue_does_not_hold_the_global_slots(site: FaultSite) -> None:
    port = _port(site)
    config = ClientConfig("t", 2.0, 0, 5_000_000, 2, 1, LOCAL, budget=Budget(run_seconds=2.0))
    reqs = [Request(f"http://127.0.0.1:{port}/slow")] * 3 + [Request(f"http://localhost:{port}/good/1")]
    out = fetch_many(reqs, config)  # 2 global slots: the drip's queued requests must not take the second
    assert [r.outcome for r in out] == ["deferred", "deferred", "deferred", "ok"], [r.error for r in out]
