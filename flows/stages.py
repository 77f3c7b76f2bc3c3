"""The stages of an ingest as plain functions (the tasks in ingest.py wrap them)."""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from extractors import http
from extractors.dedup import PERMUTATIONS, Fingerprint
from extractors.feedlist import FeedConfig
from extractors.feeds import FeedEntry
from extractors.googlenews import publisher_url
from extractors.linking import Candidate, Decision, Overrides, Rules, decide
from extractors.model import Item, Page, Processed
from extractors.outcome import FetchOutcome, Outcome
from extractors.urls import BadURL, InvalidURL, guid_key, key_of, url_key
from flows import rows
from warehouse import load as wh
from warehouse.records import KnownEntry, Override, StoredEntry, read_records

MAX_PAGE_ATTEMPTS = 5


def now() -> datetime:
    return datetime.now(UTC)


# ----------------------------------------------------------------- entries


def entry_item(feed: FeedConfig, entry: FeedEntry) -> Item | Processed:
    """The item a feed entry will be fetched as, or its parse_error when its link is unusable."""
    link = publisher_url(entry.link) if entry.link else None
    link = link or entry.link
    key = key_of(link) if link else BadURL("", entry.problem or "the entry has no link")
    alias = key_of(entry.link) if entry.link and link != entry.link else None
    if isinstance(key, BadURL) or isinstance(alias, BadURL):
        return invalid_entry(feed, entry, key.reason if isinstance(key, BadURL) else "bad alias link")
    return Item(
        key=key,
        source="feed",
        url=link,
        alias_key=alias,
        guid=entry.guid,
        guid_key=guid_key(feed.id, entry.guid) if entry.guid else None,
        feed_id=feed.id,
        outlet=feed.outlet,
        title=entry.title,
        summary=entry.content or entry.summary,
        feed_date=entry.published_at,
        language=feed.language,
    )


def invalid_entry(feed: FeedConfig, entry: FeedEntry, reason: str) -> Processed:
    """A feed entry that cannot become a page: its row says why (keyed by feed, GUID, title, reason)."""
    digest = hashlib.sha256(
        "\x00".join((feed.id, entry.guid or "", entry.title, reason)).encode("utf-8", "surrogatepass")
    ).hexdigest()[:20]
    item = Item(
        key=f"invalid:{digest}",
        source="feed",
        guid=entry.guid,
        feed_id=feed.id,
        guid_key=guid_key(feed.id, entry.guid) if entry.guid else None,
        outlet=feed.outlet,
        title=entry.title,
        language=feed.language,
    )
    return settled(item, Outcome.PARSE_ERROR, reason)


def settled(item: Item, outcome: Outcome, detail: str) -> Processed:
    """An item whose outcome is decided before any fetch (parse_error, deferred, known)."""
    return Processed(Page(item, outcome, detail=detail), outcome, detail=detail)


@dataclass
class Selection:
    """What the feeds brought: what to fetch now, and every other entry's outcome."""

    fetch: list[Item] = field(default_factory=list)
    settled: list[Processed] = field(default_factory=list)  # parse_error and deferred: entries rows
    known: list[Processed] = field(default_factory=list)  # stored already: the run is recorded as seeing them
    new_per_feed: Counter[str] = field(default_factory=Counter)  # fetched or deferred: new to the warehouse


def candidates(
    feeds: Sequence[FeedConfig], polled: Sequence[Sequence[FeedEntry]]
) -> tuple[list[Item], list[Processed]]:
    """Every entry of the polled feeds as an item, and the entries that cannot be one (parse_error)."""
    items: list[Item] = []
    invalid: list[Processed] = []
    for feed, entries in zip(feeds, polled, strict=True):
        for entry in entries:
            made = entry_item(feed, entry)
            (items if isinstance(made, Item) else invalid).append(made)  # type: ignore[arg-type]
    return items, invalid


def select(
    items: Sequence[Item],
    invalid: Sequence[Processed],
    known: set[str],
    retries: Sequence[Item],
    limit: int | None,
) -> Selection:
    """New entries (URL key and GUID unseen in the warehouse and earlier in this run), then the entries
    earlier runs left to retry; past the limit they are deferred, and wait for the next run."""
    out = Selection(settled=list(invalid))
    seen: set[str] = set()
    fresh: list[Item] = []
    for item in items:
        ids = {item.key} | ({item.guid_key} if item.guid_key else set())
        if item.key in known:
            out.known.append(settled(item, Outcome.KNOWN, "already stored (same URL, GUID or alias)"))
        elif ids & seen:
            out.known.append(settled(item, Outcome.KNOWN, "listed twice in this run"))
        else:
            fresh.append(item)
            out.new_per_feed[item.feed_id or ""] += 1
        seen |= ids
    queue = fresh + [r for r in retries if r.key not in seen]
    cut = len(queue) if limit is None else limit
    out.fetch = queue[:cut]
    reason = f"--limit {limit} reached: fetched by the next run"
    out.settled += [settled(i, Outcome.DEFERRED, reason) for i in queue[cut:]]
    return out


def known_keys(db: Path, items: Sequence[Item]) -> set[str]:
    probe: dict[str, list[Any]] = {
        "entry_key": [i.key for i in items],
        "guid_key": [i.guid_key for i in items],
        "alias_key": [i.alias_key for i in items],
    }
    params = {"max_attempts": MAX_PAGE_ATTEMPTS}
    return {r.entry_key for r in read_records(db, "read_known_entries", KnownEntry, params, {"probe": probe})}


def retry_items(db: Path) -> list[Item]:
    """Entries that failed to fetch on earlier runs and may be tried again."""
    found = read_records(db, "read_retry_entries", StoredEntry, {"max_attempts": MAX_PAGE_ATTEMPTS})
    return [
        Item(
            key=e.entry_key,
            source="feed",
            url=e.url,
            guid_key=e.guid_key,
            feed_id=e.feed_id,
            outlet=e.outlet,
            title=e.title or "",
            language=e.language,
        )
        for e in found
    ]


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
