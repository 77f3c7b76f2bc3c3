"""When is a feed due again? (pure)

Adaptive: a feed that had new entries is polled twice as often next time, one
that had none 1.5x less often, between 15 minutes and 24 hours (start: 1 hour).
Failing feeds back off exponentially (15 min x 2^failures, at most 24 h); after
PAUSE_AFTER consecutive failures a feed is paused: probed once a day, never
deleted, and back to normal as soon as it answers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MIN_INTERVAL = 15 * 60
MAX_INTERVAL = 24 * 3600
START_INTERVAL = 3600
PAUSE_AFTER = 10
DUE_SLACK = timedelta(minutes=5)  # a daily cron that starts a few seconds early still polls


def next_interval(previous: int | None, new_entries: int) -> int:
    base = previous or START_INTERVAL
    scaled = base / 2 if new_entries > 0 else base * 1.5
    return int(min(MAX_INTERVAL, max(MIN_INTERVAL, scaled)))


def failure_delay(failures: int) -> int:
    if failures >= PAUSE_AFTER:
        return MAX_INTERVAL
    return int(min(MAX_INTERVAL, MIN_INTERVAL * 2 ** max(0, failures - 1)))


def is_due(next_poll_at: datetime | None, now: datetime) -> bool:
    return next_poll_at is None or next_poll_at <= now + DUE_SLACK


def is_paused(failures: int) -> bool:
    return failures >= PAUSE_AFTER
