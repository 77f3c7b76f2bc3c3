"""Fetch (the pure parts): which items need a page request, responses -> Pages, and the raw archive's
digest and compression. The requests themselves are extractors.http.fetch_many's; the archive rows are
warehouse.rows'.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import replace

from extractors.http import Request, Response
from extractors.model import Item, Page
from extractors.outcome import FetchOutcome, Outcome


def fetchable(items: Sequence[Item]) -> list[Item]:
    """The items whose page is fetched: feed entries with a URL (seed files have their text)."""
    return [i for i in items if i.source == "feed" and i.url]


def requests(items: Sequence[Item]) -> list[Request]:
    return [Request(i.url or "") for i in fetchable(items)]


def _detail(r: Response) -> str | None:
    if r.outcome == FetchOutcome.NOT_MODIFIED:  # a page request sends no validators: the server erred
        return f"HTTP {r.status} (not modified) to a request without validators"
    return r.error


def page_of(item: Item, r: Response) -> Page:
    body, ctype, language = r.body, r.content_type, r.content_language
    return Page(item, Outcome.of(r.outcome), body, r.final_url, ctype, _detail(r), language)


def pages(items: Sequence[Item], responses: Sequence[Response]) -> list[Page]:
    """Every item as a Page: a fetched one with its response (in the order of `requests`), a seed as is."""
    by_key = {i.key: r for i, r in zip(fetchable(items), responses, strict=True)}
    return [page_of(i, by_key[i.key]) if i.key in by_key else Page(i, Outcome.OK) for i in items]


def pack(body: bytes) -> tuple[str, bytes]:
    """SHA-256 and zlib level 1 (4x smaller, 2.5x faster than level 6); both release the GIL."""
    return hashlib.sha256(body).hexdigest(), zlib.compress(body, 1)


def archived(all_pages: Sequence[Page], packed: Sequence[tuple[str, bytes]]) -> list[Page]:
    """The pages with the raw archive's digest of their body (packed: one per page with a body, in order)."""
    digests = iter([digest for digest, _ in packed])
    return [replace(p, raw_hash=next(digests)) if p.body else p for p in all_pages]
