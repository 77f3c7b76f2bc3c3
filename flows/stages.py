"""The stages of an ingest as plain functions (the tasks in ingest.py wrap them)."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from extractors import http
from extractors.dedup import PERMUTATIONS, Fingerprint
from extractors.linking import Candidate, Decision, Overrides, Rules, decide
from extractors.model import Item, Page, Processed
from extractors.outcome import FetchOutcome, Outcome
from extractors.urls import InvalidURL, url_key
from warehouse import load as wh
from warehouse import rows
from warehouse.records import Override, read_records

MAX_PAGE_ATTEMPTS = 5


def now() -> datetime:
    return datetime.now(UTC)


# ----------------------------------------------------------------- pages


def fetch_pages(items: Sequence[Item], config: http.ClientConfig) -> list[Page]:
    feed_items = [i for i in items if i.source == "feed" and i.url]
    responses = http.fetch_many([http.Request(i.url or "") for i in feed_items], config, robots=True)
    by_key = {i.key: r for i, r in zip(feed_items, responses, strict=True)}
    pages = []
    for item in items:
        r = by_key.get(item.key)
        if r is None:
            pages.append(Page(item, Outcome.OK))
        else:
            pages.append(
                Page(
                    item,
                    Outcome.of(r.outcome),
                    r.body,
                    r.final_url,
                    r.content_type,
                    _detail(r),
                    r.content_language,
                )
            )
    return pages


def _detail(r: http.Response) -> str | None:
    if (
        r.outcome == FetchOutcome.NOT_MODIFIED
    ):  # a page request sends no validators: a 304 is the server's error
        return f"HTTP {r.status} (not modified) to a request without validators"
    return r.error


# ----------------------------------------------------------------- dedup


def canonical_key(d: Processed) -> str | None:
    url = d.article.canonical_url if d.article else None
    try:
        return url_key(url) if url else None
    except InvalidURL:
        return None


def _stored_candidates(db: Path, fps: Sequence[Fingerprint], url_keys: set[str]) -> list[Candidate]:
    keys: dict[str, list[Any]] = {"key": [k for fp in fps for k in fp.keys]}
    hashes: dict[str, list[Any]] = {"text_hash": [fp.text_hash for fp in fps]}
    urls: dict[str, list[Any]] = {"url_key": sorted(url_keys)}
    probes = {"probe_keys": keys, "probe_hashes": hashes, "probe_urls": urls}
    found = wh.read_arrow(db, "read_dedup_candidates", probes)
    if found is None:
        return []
    # Columnar: at 1,000,000 stored articles a batch of 200 has ~65,000 LSH candidates, most of
    # them false; row by row their conversion cost 3x the query.
    cols = {name: found[name].to_pylist() for name in found.column_names if name != "minhash"}
    sigs = np.frombuffer(b"".join(found["minhash"].to_pylist()), dtype=np.uint32).reshape(-1, PERMUTATIONS)
    # Only the keys shared with the batch: the others are never looked up (and hashing
    # 64 bands of every false LSH candidate would cost more than the query).
    found_fps = map(Fingerprint, cols["text_hash"], sigs, cols["shingles"], map(tuple, cols["keys"]))
    return list(
        map(
            Candidate,
            cols["article_id"],
            found_fps,
            cols["published_at"],
            cols["duplicate_of"],
            cols["canonical_key"],
        )
    )


def _overrides(db: Path) -> Overrides:
    """The user's corrections (`peacewire dedup split|merge`); a small table, read whole."""
    found = read_records(db, "read_dedup_overrides", Override)
    distinct = frozenset(frozenset((o.article_id, o.other_id)) for o in found if o.verdict == "distinct")
    return Overrides(distinct, {o.article_id: o.other_id for o in found if o.verdict == "duplicate"})


def dedup(
    db: Path, docs: Sequence[Processed], near: float, contain: float, exclude_batch: bool = False
) -> list[Processed]:
    """Decide, for every extracted article, whether it copies a stored or batch article.

    exclude_batch: the batch's own stored rows are being rebuilt (reextract) and are not candidates.
    """
    batch = [
        Candidate(d.item.key, d.fingerprint, d.article.published_at, None, canonical_key(d))
        for d in docs
        if d.outcome == Outcome.OK and d.fingerprint is not None and d.article is not None
    ]
    keys = {c.canonical_key for c in batch if c.canonical_key}
    stored = _stored_candidates(db, [c.fingerprint for c in batch], keys) if batch else []
    if exclude_batch:
        ids = {c.article_id for c in batch}
        stored = [c for c in stored if c.article_id not in ids and c.duplicate_of not in ids]
    rules = Rules(near, contain, _overrides(db) if batch else Overrides())
    decisions: dict[str, Decision] = {d.article_id: d for d in decide(batch, stored, rules)}
    return [replace(d, decision=decisions.get(d.item.key)) for d in docs]


# ----------------------------------------------------------------- raw archive


def _digest_and_compress(body: bytes) -> tuple[str, bytes]:
    """SHA-256 and zlib level 1 (4x smaller, 2.5x faster than level 6); both release the GIL."""
    return hashlib.sha256(body).hexdigest(), zlib.compress(body, 1)


def archive_pages(db: Path, pages: Sequence[Page], threads: int) -> list[Page]:
    """Put every fetched body in the raw archive (its own transaction) before any extraction."""
    fetched = [p for p in pages if p.body]
    with ThreadPoolExecutor(max(1, threads)) as pool:
        packed = list(pool.map(_digest_and_compress, (p.body for p in fetched)))
    at = now()
    archive_rows = [rows.raw_row(p, d, z, at) for p, (d, z) in zip(fetched, packed, strict=True)]
    wh.load(db, {"raw_pages": rows.columns(archive_rows)})
    digests = {id(p): d for p, (d, _) in zip(fetched, packed, strict=True)}
    return [replace(p, raw_hash=digests[id(p)]) if id(p) in digests else p for p in pages]
