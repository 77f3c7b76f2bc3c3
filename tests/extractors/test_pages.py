"""The fetch stage's pure parts: which items get a request, responses -> pages, the archive's digest."""

from __future__ import annotations

import hashlib
import zlib

from extractors.http import Request, Response
from extractors.model import Item, Page
from extractors.outcome import FetchOutcome, Outcome
from extractors.pages import archived, fetchable, pack, pages, requests

FEED = Item(key="k1", source="feed", url="https://wire.example/1", feed_id="wire")
NO_URL = Item(key="invalid:x", source="feed", feed_id="wire")
SEED = Item(key="seed:000", source="seed", seed_text="Title\n\nText")
OTHER = Item(key="k2", source="feed", url="https://wire.example/2", feed_id="wire")


def test_only_feed_items_with_a_url_are_requested() -> None:
    assert fetchable([SEED, FEED, NO_URL, OTHER]) == [FEED, OTHER]
    assert requests([SEED, FEED, OTHER]) == [Request(FEED.url or ""), Request(OTHER.url or "")]


def test_responses_become_pages_in_order_and_seeds_pass_as_they_are() -> None:
    ok = Response(
        FEED.url or "",
        "https://wire.example/1?r",
        200,
        FetchOutcome.OK,
        b"<html>",
        "text/html",
        content_language="uk",
    )
    blocked = Response(OTHER.url or "", None, None, FetchOutcome.BLOCKED, error="disallowed by robots.txt")
    got = pages([SEED, FEED, OTHER], [ok, blocked])
    assert got[0] == Page(SEED, Outcome.OK)
    assert got[1] == Page(FEED, Outcome.OK, b"<html>", "https://wire.example/1?r", "text/html", None, "uk")
    assert (got[2].outcome, got[2].detail) == (Outcome.BLOCKED, "disallowed by robots.txt")


def test_a_304_to_a_page_request_is_a_fetch_error_that_says_so() -> None:
    got = pages([FEED], [Response(FEED.url or "", FEED.url, 304, FetchOutcome.NOT_MODIFIED)])
    assert (got[0].outcome, got[0].detail) == (
        Outcome.FETCH_ERROR,
        "HTTP 304 (not modified) to a request without validators",
    )


def test_pack_is_the_sha256_and_a_zlib_copy_of_the_body() -> None:
    digest, packed = pack(b"body" * 100)
    assert digest == hashlib.sha256(b"body" * 100).hexdigest() and zlib.decompress(packed) == b"body" * 100


def test_archived_gives_each_page_with_a_body_its_digest() -> None:
    with_body = [Page(FEED, Outcome.OK, b"a"), Page(SEED, Outcome.OK), Page(OTHER, Outcome.OK, b"b")]
    got = archived(with_body, [pack(b"a"), pack(b"b")])
    assert [p.raw_hash for p in got] == [pack(b"a")[0], None, pack(b"b")[0]]
