"""Select: which feed entries to fetch this run, and what every other entry ends as (pure).

An entry becomes an Item keyed by its canonical URL (a Google News link by the publisher's URL, the Google
link kept as its alias); one whose link is unusable ends as parse_error. New entries (URL key and GUID
unseen in the warehouse and earlier in this run) come first, then those earlier runs left to retry; past
the --limit they are deferred, and wait for the next run. The warehouse's side (which keys are stored,
which entries to retry) is read by warehouse.reads.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from extractors.feedlist import FeedConfig
from extractors.feeds import FeedEntry
from extractors.googlenews import publisher_url
from extractors.model import FeedResult, Item, Page, Processed
from extractors.outcome import Outcome
from extractors.urls import BadURL, guid_key, key_of

MAX_PAGE_ATTEMPTS = 5  # a page that failed this often is not tried again


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

    @property
    def unfetched(self) -> list[Processed]:
        """Every entry this run does not fetch, with its outcome."""
        return [*self.settled, *self.known]


def candidates(
    feeds: Sequence[FeedConfig], polled: Sequence[Sequence[FeedEntry]]
) -> tuple[list[Item], list[Processed]]:
    """Every entry of the polled feeds as an item, and the entries that cannot be one (parse_error)."""
    items: list[Item] = []
    invalid: list[Processed] = []
    for feed, entries in zip(feeds, polled, strict=True):
        for entry in entries:
            made = entry_item(feed, entry)
            if isinstance(made, Item):
                items.append(made)
            else:
                invalid.append(made)
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


def counted(
    polled: Sequence[tuple[FeedResult, Sequence[FeedEntry]]], selection: Selection
) -> list[FeedResult]:
    """Each polled feed's result with its count of entries new to the warehouse."""
    return [replace(r, entries_new=selection.new_per_feed[r.feed_id]) for r, _ in polled]


def batches(items: Sequence[Item], size: int) -> Iterator[list[Item]]:
    """Items in batches of `size`: one set of tasks and one load transaction each."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
