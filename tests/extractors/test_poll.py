"""The poll stage: due feeds, conditional requests, a response's result and entries, the next feed state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from extractors import schedule
from extractors.feedlist import FeedConfig
from extractors.http import Request, Response
from extractors.model import FeedResult, FeedState
from extractors.outcome import FeedOutcome, FetchOutcome
from extractors.poll import body_hash, due_feeds, feed_requests, next_state, parse_poll, parse_polls
from tests.conftest import SITE

AT = datetime(2026, 3, 1, 6, tzinfo=UTC)
A = FeedConfig("a", "https://a.example/feed", "A Daily", "en")
B = FeedConfig("b", "https://b.example/feed", "B Times", "en")
RSS = (SITE / "feed-a.xml").read_bytes().replace(b"{{base}}", b"https://a.example")


def ok(body: bytes, etag: str | None = '"v2"') -> Response:
    return Response(A.url, A.url, 200, FetchOutcome.OK, body, "application/rss+xml", etag, "Sun, 01 Mar 2026")


def result(outcome: FeedOutcome, new: int = 0) -> FeedResult:
    return FeedResult("a", "A Daily", 200, outcome, new, new, 0, 0, None, '"v2"', "Sun", "h2")


def test_due_feeds_polls_the_due_and_the_new_and_reports_the_rest() -> None:
    later = FeedState("b", next_poll_at=AT + timedelta(hours=2))
    due, skipped = due_feeds([A, B], {"b": later}, force=False, at=AT)
    assert due == [A]
    assert [(r.feed_id, r.outcome, r.error) for r in skipped] == [
        ("b", FeedOutcome.NOT_DUE, "next poll at 2026-03-01T08:00+00:00")
    ]
    assert due_feeds([A, B], {"b": later}, force=True, at=AT) == ([A, B], [])


def test_requests_carry_each_feeds_validators() -> None:
    state = {"a": FeedState("a", etag='"v1"', last_modified="Sat, 28 Feb 2026")}
    assert feed_requests([A, B], state) == [Request(A.url, '"v1"', "Sat, 28 Feb 2026"), Request(B.url)]


def test_a_new_feed_body_gives_its_entries() -> None:
    res, entries = parse_poll(A, ok(RSS), previous_hash=None)
    assert res.outcome == FeedOutcome.OK and res.entries_seen == len(entries) > 0
    assert res.body_hash == body_hash(RSS) and res.etag == '"v2"' and res.bytes == len(RSS)


def test_the_same_body_again_is_unchanged_and_still_lists_its_entries() -> None:
    res, entries = parse_poll(A, ok(RSS), previous_hash=body_hash(RSS))
    assert res.outcome == FeedOutcome.UNCHANGED and len(entries) == res.entries_seen > 0


def test_a_page_that_is_not_a_feed() -> None:
    res, entries = parse_poll(A, ok(b"<html><body>Hello</body></html>"), previous_hash="old")
    assert (res.outcome, entries) == (FeedOutcome.NOT_A_FEED, [])
    assert res.error and res.body_hash == body_hash(b"<html><body>Hello</body></html>")


def test_a_failed_or_304_response_keeps_the_last_body_hash_and_has_no_entries() -> None:
    for fetched in (FetchOutcome.NOT_MODIFIED, FetchOutcome.FETCH_ERROR, FetchOutcome.DEFERRED):
        res, entries = parse_poll(A, Response(A.url, A.url, None, fetched, error="x"), previous_hash="old")
        assert (res.outcome, res.body_hash, entries, res.error) == (
            FeedOutcome(fetched.value),
            "old",
            [],
            "x",
        )


def test_parse_polls_compares_each_feed_with_its_own_last_body() -> None:
    polled = parse_polls([A, B], [ok(RSS), ok(RSS)], {"a": FeedState("a", body_hash=body_hash(RSS))})
    assert [r.outcome for r, _ in polled] == [FeedOutcome.UNCHANGED, FeedOutcome.OK]


def test_a_poll_with_new_entries_stores_its_validators_and_comes_back_sooner() -> None:
    old = FeedState("a", '"v1"', "Sat", "h1", AT, AT, None, 3, "HTTP 503", 3600, AT)
    new = next_state(result(FeedOutcome.OK, new=4), old, AT)
    assert (new.etag, new.last_modified, new.body_hash) == ('"v2"', "Sun", "h2")
    assert (new.consecutive_failures, new.last_success_at, new.last_new_entry_at) == (0, AT, AT)
    assert new.interval_s == 1800 and new.next_poll_at == AT + timedelta(seconds=1800)


def test_a_poll_without_new_entries_comes_back_later() -> None:
    new = next_state(result(FeedOutcome.UNCHANGED), FeedState("a", interval_s=3600), AT)
    assert new.interval_s == 5400 and new.last_new_entry_at is None


def test_a_304_keeps_the_stored_validators_and_is_a_success() -> None:
    old = FeedState("a", '"v1"', "Sat", interval_s=3600, consecutive_failures=2)
    new = next_state(replace(result(FeedOutcome.NOT_MODIFIED), etag=None, last_modified=None), old, AT)
    assert (new.etag, new.last_modified, new.consecutive_failures, new.last_success_at) == (
        '"v1"',
        "Sat",
        0,
        AT,
    )


def test_failed_and_deferred_polls_keep_the_state_and_back_off() -> None:
    old = FeedState("a", '"v1"', "Sat", "h1", AT, AT - timedelta(days=1), None, 2, None, 3600, AT)
    for outcome in (
        FeedOutcome.FETCH_ERROR,
        FeedOutcome.BLOCKED,
        FeedOutcome.NOT_A_FEED,
        FeedOutcome.DEFERRED,
    ):
        new = next_state(result(outcome), old, AT)
        assert (new.etag, new.last_modified, new.interval_s) == ('"v1"', "Sat", 3600), outcome
        assert new.consecutive_failures == 3 and new.last_success_at == AT - timedelta(days=1)
        assert new.next_poll_at == AT + timedelta(seconds=schedule.failure_delay(3))


def test_a_feed_failing_ten_times_in_a_row_is_probed_once_a_day() -> None:
    old = FeedState("a", consecutive_failures=schedule.PAUSE_AFTER - 1, interval_s=900)
    new = next_state(result(FeedOutcome.FETCH_ERROR), old, AT)
    assert schedule.is_paused(new.consecutive_failures)
    assert new.next_poll_at == AT + timedelta(seconds=schedule.MAX_INTERVAL)


def test_the_first_poll_of_a_feed_starts_from_the_default_interval() -> None:
    new = next_state(result(FeedOutcome.OK), None, AT)
    assert new.interval_s == int(schedule.START_INTERVAL * 1.5) and new.consecutive_failures == 0
