"""The run summary as the flow returns it and as its markdown artifact (plain functions, no Prefect run)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from extractors.model import FeedResult, RunSummary
from extractors.outcome import FeedOutcome, Outcome
from flows.artifacts import _markdown, summary_dict

AT = datetime(2026, 3, 1, 6, tzinfo=UTC)


def feed(feed_id: str, outcome: FeedOutcome, error: str | None = None) -> FeedResult:
    return FeedResult(feed_id, feed_id.title(), None, outcome, 0, 0, 0, 0, error, None, None, None)


def test_every_failed_feed_is_listed_blocked_ones_too() -> None:
    feeds = [
        feed("gone", FeedOutcome.FETCH_ERROR, "HTTP 404"),
        feed("walled", FeedOutcome.BLOCKED, "disallowed by robots.txt"),
        feed("fine", FeedOutcome.OK),
        feed("later", FeedOutcome.NOT_DUE),
    ]
    d = summary_dict(RunSummary("r1", AT, AT, feeds))
    assert (d["feeds_ok"], d["feeds_failed"], d["feeds_not_due"]) == (1, 2, 1)
    failing = _markdown(d).split("## Feeds that failed this run\n", 1)[1].splitlines()
    assert failing[:2] == ["- **gone** (Gone): HTTP 404", "- **walled** (Walled): disallowed by robots.txt"]


def test_the_tally_lists_final_outcomes_in_order_as_plain_strings() -> None:
    tally = Counter({Outcome.DEFERRED: 1, Outcome.LOADED: 3, Outcome.DUPLICATE: 0})
    d = summary_dict(RunSummary("r1", AT, AT, tally=tally))
    assert d["tally"] == {"loaded": 3, "deferred": 1}
    assert all(type(k) is str for k in d["tally"])


def test_the_summary_is_plain_data() -> None:
    d = summary_dict(RunSummary("r1", AT, AT, [feed("walled", FeedOutcome.BLOCKED)]))
    assert type(d["feeds"][0]["outcome"]) is str and d["feeds"][0]["outcome"] == "blocked"
