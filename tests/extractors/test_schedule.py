from __future__ import annotations

from datetime import UTC, datetime, timedelta

from extractors.schedule import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    PAUSE_AFTER,
    failure_delay,
    is_due,
    is_paused,
    next_interval,
)

NOW = datetime(2026, 11, 22, 6, tzinfo=UTC)


def test_interval_adapts_to_new_entries() -> None:
    assert next_interval(None, 3) == 1800 and next_interval(None, 0) == 5400
    assert next_interval(MIN_INTERVAL, 5) == MIN_INTERVAL and next_interval(MAX_INTERVAL, 0) == MAX_INTERVAL


def test_failures_back_off_then_pause() -> None:
    delays = [failure_delay(n) for n in range(1, PAUSE_AFTER + 1)]
    assert delays[0] == MIN_INTERVAL and delays == sorted(delays) and delays[-1] == MAX_INTERVAL
    assert is_paused(PAUSE_AFTER) and not is_paused(PAUSE_AFTER - 1)


def test_due() -> None:
    assert (
        is_due(None, NOW)
        and is_due(NOW + timedelta(minutes=3), NOW)
        and not is_due(NOW + timedelta(hours=1), NOW)
    )
