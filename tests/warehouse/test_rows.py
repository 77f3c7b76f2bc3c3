"""Stage records -> table rows: what every processed item and a run's results add, table by table."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

from extractors.linking import Decision, Pair
from extractors.model import FeedResult, FeedState, Item, Page, Processed, RunSummary
from extractors.outcome import FeedOutcome, Outcome
from extractors.process import process_page
from extractors.tagging import Matcher
from tests.conftest import SITE
from warehouse.rows import batch_tables, decision_rows, entry_row, run_tables, unfetched_tables

AT = datetime(2026, 3, 1, 6, tzinfo=UTC)
URL = "https://wire.example/talks"


def item(key: str = URL, summary: str = "") -> Item:
    return Item(key=key, source="feed", url=key, feed_id="wire", title="Talks", summary=summary)


def article(matcher: Matcher, key: str = URL) -> Processed:
    body = (SITE / "articles" / "uk-talks.html").read_bytes()
    done = process_page(Page(item(key), Outcome.OK, body, key), 80, matcher)
    assert done.article is not None
    return done


def test_an_entry_row_says_what_it_copies_or_what_the_feed_said() -> None:
    pair = Pair("seed:000", "near", 0.9, 0.35, True)
    copy = Processed(
        Page(item(), Outcome.OK), Outcome.OK, decision=Decision(URL, "seed:000", "near", 0.9, (pair,))
    )
    assert entry_row(copy, "r1")["detail"] == "near copy of seed:000 (0.9)"
    assert entry_row(copy, "r1")["outcome"] == Outcome.DUPLICATE
    thin = Processed(Page(item(summary="The feed's text"), Outcome.OK), Outcome.NO_TEXT, detail="12 words")
    assert entry_row(thin, "r1")["detail"] == "12 words; feed summary: The feed's text"
    row = entry_row(thin, "r1")
    assert (row["first_run_id"], row["last_seen_run_id"], row["article_id"]) == ("r1", "r1", None)


def test_a_superseded_original_is_recorded_as_merged_into_the_new_one() -> None:
    pair = Pair("old", "near", 0.8, 0.35, True)
    early = Processed(
        Page(item("new"), Outcome.OK), Outcome.OK, decision=Decision("new", None, "near", 0.8, (pair,), "old")
    )
    rows = decision_rows([early], "r1", AT)
    assert [(r["article_id"], r["candidate_id"], r["decision"]) for r in rows] == [
        ("new", "old", "kept_apart"),
        ("old", "new", "merged"),
    ]


def test_a_batch_adds_its_articles_labels_index_keys_and_entries(matcher: Matcher) -> None:
    done = article(matcher)
    tables = batch_tables([done], "r1", AT)
    assert tables["articles"]["article_id"] == [URL] and tables["articles"]["run_id"] == ["r1"]
    assert len(tables["lsh_index"]["key"]) == len(done.fingerprint.keys)  # type: ignore[union-attr]
    assert set(tables["labels"]["label"]) == {h.label for h in done.tags.labels}  # type: ignore[union-attr]
    assert tables["entries"]["outcome"] == [Outcome.LOADED] and tables["duplicates"] == {}


def test_a_run_records_polled_feeds_their_next_state_and_its_tally() -> None:
    polled = FeedResult("wire", "Wire", 200, FeedOutcome.OK, 3, 2, 100, 5, None, '"e"', None, "h")
    later = FeedResult(
        "later", "Later", None, FeedOutcome.NOT_DUE, 0, 0, 0, 0, "next poll at ?", None, None, None
    )
    summary = RunSummary("r1", AT, AT, [polled, later], Counter({Outcome.LOADED: 2}))
    tables = run_tables(summary, {"wire": FeedState("wire", interval_s=3600)}, None, "1", "completed")
    assert tables["feed_fetches"]["feed_id"] == ["wire"] and tables["feed_state"]["feed_id"] == ["wire"]
    assert tables["feed_state"]["etag"] == ['"e"'] and tables["feed_state"]["interval_s"] == [1800]
    assert json.loads(tables["runs"]["tally"][0]) == {"loaded": 2}
    assert (tables["runs"]["feeds_ok"], tables["runs"]["entries_new"]) == ([1], [2])


def test_unfetched_entries_are_rows_and_known_ones_are_seen() -> None:
    deferred = Processed(
        Page(item("https://wire.example/d"), Outcome.DEFERRED), Outcome.DEFERRED, detail="--limit"
    )
    known = Processed(Page(item(), Outcome.KNOWN), Outcome.KNOWN, detail="already stored")
    tables = unfetched_tables([deferred], [known], "r1", AT)
    assert tables["entries"]["outcome"] == [Outcome.DEFERRED] and tables["articles"] == {}
    assert tables["entries_seen"]["entry_key"] == [URL] and tables["entries_seen"]["last_seen_run_id"] == [
        "r1"
    ]
