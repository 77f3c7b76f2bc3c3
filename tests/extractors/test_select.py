"""The select stage: feed entries -> items, what to fetch this run, and every other entry's outcome."""

from __future__ import annotations

from datetime import UTC, datetime

from extractors.feedlist import FeedConfig
from extractors.feeds import FeedEntry
from extractors.model import FeedResult, Item, Processed
from extractors.outcome import FeedOutcome, Outcome
from extractors.select import batches, candidates, counted, entry_item, select
from extractors.urls import guid_key, url_key

FEED = FeedConfig("wire", "https://wire.example/feed", "Wire", "uk")
DAY = datetime(2026, 3, 1, tzinfo=UTC)


def entry(
    link: str | None, guid: str | None = None, title: str = "Talks", problem: str | None = None
) -> FeedEntry:
    return FeedEntry(link, guid, title, "summary", "", DAY, problem)


def item(n: int, feed: str = "wire", guid: str | None = None) -> Item:
    url = f"https://wire.example/{n}"
    return Item(key=url_key(url), source="feed", url=url, feed_id=feed, guid_key=guid)


def test_an_entry_becomes_an_item_keyed_by_its_canonical_url() -> None:
    made = entry_item(FEED, entry("https://www.wire.example/a?utm_source=x#top", guid="g1"))
    assert isinstance(made, Item)
    assert made.key == url_key("https://wire.example/a")
    assert (made.guid_key, made.feed_id, made.language, made.summary) == (
        guid_key("wire", "g1"),
        "wire",
        "uk",
        "summary",
    )
    assert made.alias_key is None and made.feed_date == DAY


def test_an_entry_without_a_usable_link_is_a_parse_error_with_its_reason() -> None:
    # The feed parser drops a link it cannot parse and says why (extractors.feeds).
    for problem, says in (
        (None, "the entry has no link"),
        ("bad link 'http://[::1'", "bad link 'http://[::1'"),
    ):
        made = entry_item(FEED, entry(None, problem=problem))
        assert isinstance(made, Processed) and made.final == Outcome.PARSE_ERROR
        assert made.item.key.startswith("invalid:") and made.detail == says
    # the same bad entry is the same row on every run
    assert entry_item(FEED, entry(None)).item.key == entry_item(FEED, entry(None)).item.key  # type: ignore[union-attr]


def test_candidates_split_every_feeds_entries_into_items_and_parse_errors() -> None:
    other = FeedConfig("other", "https://other.example/feed", "Other", "en")
    items, invalid = candidates(
        [FEED, other], [[entry("https://wire.example/1"), entry(None)], [entry("https://o.example/2")]]
    )
    assert [i.feed_id for i in items] == ["wire", "other"] and len(invalid) == 1


def test_select_fetches_new_entries_and_settles_the_known_and_the_repeated() -> None:
    stored, new, again = item(1), item(2, guid="g"), item(3, feed="other", guid="g")
    chosen = select([stored, new, again], [], known={stored.key}, retries=[], limit=None)
    assert chosen.fetch == [new]
    assert [(d.item, d.final, d.detail) for d in chosen.known] == [
        (stored, Outcome.KNOWN, "already stored (same URL, GUID or alias)"),
        (again, Outcome.KNOWN, "listed twice in this run"),
    ]
    assert chosen.new_per_feed == {"wire": 1}


def test_retries_follow_the_new_entries_and_the_limit_defers_the_rest() -> None:
    new, retry, seen_retry = item(1), item(7), item(1)
    chosen = select([new], [], known=set(), retries=[retry, seen_retry], limit=1)
    assert chosen.fetch == [new]
    assert [(d.item, d.final, d.detail) for d in chosen.settled] == [
        (retry, Outcome.DEFERRED, "--limit 1 reached: fetched by the next run")
    ]
    assert select([], [], set(), [retry], limit=0).fetch == []


def test_parse_errors_are_settled_entries() -> None:
    bad = entry_item(FEED, entry(None))
    assert isinstance(bad, Processed)
    assert select([], [bad], set(), [], None).settled == [bad]


def test_counted_gives_each_feed_its_new_entries() -> None:
    polled = [(FeedResult("wire", "Wire", 200, FeedOutcome.OK, 2, 0, 0, 0, None, None, None, None), [])]
    chosen = select([item(1), item(2)], [], set(), [], None)
    assert [r.entries_new for r in counted(polled, chosen)] == [2]


def test_batches() -> None:
    items = [item(n) for n in range(5)]
    assert [len(b) for b in batches(items, 2)] == [2, 2, 1] and list(batches([], 2)) == []


def test_unfetched_is_every_settled_and_known_entry() -> None:
    bad = entry_item(FEED, entry(None))
    assert isinstance(bad, Processed)
    chosen = select([item(1), item(1)], [bad], set(), [], None)
    assert [d.final for d in chosen.unfetched] == [Outcome.PARSE_ERROR, Outcome.KNOWN]
