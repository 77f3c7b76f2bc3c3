"""Poll: which feeds are due, their conditional requests, what a response says, and the feed's next state.

Pure: the state comes in as records (read by warehouse.reads), the responses from extractors.http; what
goes out is a FeedResult per feed, its entries, and the FeedState the run stores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from extractors import schedule
from extractors.feedlist import FeedConfig
from extractors.feeds import FeedEntry, parse_feed
from extractors.http import Request, Response
from extractors.model import FeedResult, FeedState
from extractors.outcome import FeedOutcome, FetchOutcome

FeedStates = Mapping[str, FeedState]  # by feed id; a feed never polled has none
Polled = tuple[FeedResult, list[FeedEntry]]


def _state(state: FeedStates, feed_id: str) -> FeedState:
    return state.get(feed_id) or FeedState(feed_id)


def not_due(feed: FeedConfig, next_at: datetime | None) -> FeedResult:
    when = next_at.isoformat(timespec="minutes") if next_at else "?"
    return FeedResult(
        feed_id=feed.id,
        outlet=feed.outlet,
        status=None,
        outcome=FeedOutcome.NOT_DUE,
        entries_seen=0,
        entries_new=0,
        bytes=0,
        duration_ms=0,
        error=f"next poll at {when}",
        etag=None,
        last_modified=None,
        body_hash=None,
    )


def due_feeds(
    feeds: Sequence[FeedConfig], state: FeedStates, force: bool, at: datetime
) -> tuple[list[FeedConfig], list[FeedResult]]:
    """The feeds to poll now, and a not_due result for the others (all of them with force)."""
    due, skipped = [], []
    for f in feeds:
        next_at = _state(state, f.id).next_poll_at
        if force or schedule.is_due(next_at, at):
            due.append(f)
        else:
            skipped.append(not_due(f, next_at))
    return due, skipped


def feed_requests(feeds: Sequence[FeedConfig], state: FeedStates) -> list[Request]:
    """A conditional GET per feed, with the validators of its last poll."""
    old = [_state(state, f.id) for f in feeds]
    return [Request(f.url, s.etag, s.last_modified) for f, s in zip(feeds, old, strict=True)]


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:32]


def parse_poll(feed: FeedConfig, resp: Response, previous_hash: str | None) -> Polled:
    """A feed response -> its result row and its entries (none when unchanged or failed)."""
    base = FeedResult(
        feed_id=feed.id,
        outlet=feed.outlet,
        status=resp.status,
        outcome=FeedOutcome.of(resp.outcome),
        entries_seen=0,
        entries_new=0,
        bytes=len(resp.body),
        duration_ms=resp.duration_ms,
        error=resp.error,
        etag=resp.etag,
        last_modified=resp.last_modified,
        body_hash=previous_hash,
    )
    if resp.outcome != FetchOutcome.OK:
        return base, []
    digest = body_hash(resp.body)
    parsed = parse_feed(resp.body, resp.final_url or feed.url, resp.content_type)
    if not parsed.ok:
        return replace(base, outcome=FeedOutcome.NOT_A_FEED, error=parsed.problem, body_hash=digest), []
    if digest == previous_hash:
        outcome = FeedOutcome.UNCHANGED
    else:
        outcome = FeedOutcome.DEGRADED if parsed.degraded else FeedOutcome.OK
    result = replace(
        base,
        outcome=outcome,
        entries_seen=len(parsed.entries),
        error=parsed.problem,
        body_hash=digest,
        charset=parsed.charset,
    )
    return result, list(parsed.entries)


def parse_polls(
    feeds: Sequence[FeedConfig], responses: Sequence[Response], state: FeedStates
) -> list[Polled]:
    """Every polled feed's response, against the body its last poll brought."""
    return [parse_poll(f, r, _state(state, f.id).body_hash) for f, r in zip(feeds, responses, strict=True)]


def next_state(result: FeedResult, previous: FeedState | None, at: datetime) -> FeedState:
    """The feed's state after this poll: validators, failures and when it is due again (extractors.schedule).

    A failed poll, and a deferred one (its fetch did not fit in the run's budget: not a success without
    entries), keeps the stored validators and backs off; so does a 304 keep its validators."""
    old = previous or FeedState(result.feed_id)
    failed = result.outcome.failed_poll
    keep = failed or result.outcome == FeedOutcome.NOT_MODIFIED
    failures = old.consecutive_failures + 1 if failed else 0
    if failed:
        interval, wait = old.interval_s, schedule.failure_delay(failures)
    else:
        interval = wait = schedule.next_interval(old.interval_s, result.entries_new)
    return FeedState(
        feed_id=result.feed_id,
        etag=old.etag if keep else result.etag,
        last_modified=old.last_modified if keep else result.last_modified,
        body_hash=result.body_hash,
        last_attempt_at=at,
        last_success_at=old.last_success_at if failed else at,
        last_new_entry_at=at if result.entries_new else old.last_new_entry_at,
        consecutive_failures=failures,
        last_error=result.error,
        interval_s=interval,
        next_poll_at=at + timedelta(seconds=wait),
    )
