"""The pipeline's reads, as the stages' own types: feed state, stored seeds, known and retried entries,
archived pages (reextract), stored texts (retag). Every query is a .sql file; rows are records.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from extractors.model import FeedState, Item, Page
from extractors.outcome import Outcome
from extractors.select import MAX_PAGE_ATTEMPTS
from warehouse.records import ArchivedEntry, Key, KnownEntry, StoredEntry, StoredText, read_records


def feed_states(db: Path) -> dict[str, FeedState]:
    """Every feed's stored state (validators, body hash, failures, schedule), read once per run."""
    return {s.feed_id: s for s in read_records(db, "read_feed_state", FeedState)}


def seed_ids(db: Path) -> set[str]:
    return {k.article_id for k in read_records(db, "read_seed_ids", Key)}


def known_keys(db: Path, items: Sequence[Item]) -> set[str]:
    """The items' keys that need no fetch: stored (by URL, GUID or alias), final, or out of attempts."""
    probe: dict[str, list[Any]] = {
        "entry_key": [i.key for i in items],
        "guid_key": [i.guid_key for i in items],
        "alias_key": [i.alias_key for i in items],
    }
    params = {"max_attempts": MAX_PAGE_ATTEMPTS}
    return {e.entry_key for e in read_records(db, "read_known_entries", KnownEntry, params, {"probe": probe})}


def _item(e: StoredEntry | ArchivedEntry) -> Item:
    return Item(
        key=e.entry_key,
        source="feed",
        url=e.url,
        guid_key=e.guid_key,
        feed_id=e.feed_id,
        outlet=e.outlet,
        title=e.title or "",
        language=e.language,
    )


def retry_items(db: Path) -> list[Item]:
    """Entries that failed to fetch on earlier runs and may be tried again, and the deferred ones."""
    params = {"max_attempts": MAX_PAGE_ATTEMPTS}
    return [_item(e) for e in read_records(db, "read_retry_entries", StoredEntry, params)]


def _archived_page(e: ArchivedEntry) -> Page:
    body = zlib.decompress(e.body_zlib)
    return Page(_item(e), Outcome.OK, body, e.final_url, e.content_type, raw_hash=e.content_hash)


def archived_pages(db: Path, limit: int, offset: int) -> list[Page]:
    """Feed entries whose page is in the raw archive, a page of them at a time (for reextract)."""
    found = read_records(db, "read_archived_entries", ArchivedEntry, {"limit": limit, "offset": offset})
    return [_archived_page(e) for e in found]


def stored_texts(db: Path, limit: int, offset: int) -> list[StoredText]:
    """Stored articles' titles and texts, a page of them at a time (for retag)."""
    return read_records(db, "read_articles_for_retag", StoredText, {"limit": limit, "offset": offset})
