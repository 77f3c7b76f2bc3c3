"""Every outcome the pipeline records, as enums: what an HTTP request, a feed poll and an entry end as.

StrEnum members are their own strings: they compare equal to the literals the warehouse stores and the
SQL files filter on (tests/extractors/test_outcome.py checks that every outcome literal in warehouse/**/*.sql
is a member, and that the SQL's groupings are the properties here).
"""

from __future__ import annotations

from enum import StrEnum


class FetchOutcome(StrEnum):
    """What one HTTP request ends as (extractors.http)."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"  # 304 to a conditional request
    FETCH_ERROR = "fetch_error"
    TOO_LARGE = "too_large"
    BLOCKED = "blocked"  # robots.txt or the address policy
    DEFERRED = "deferred"  # it did not fit in the fetch budget


class FeedOutcome(StrEnum):
    """What one feed's poll ends as (feed_fetches.outcome)."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    UNCHANGED = "unchanged"  # 200 with the body of the last poll
    DEGRADED = "degraded"  # parsed, with problems (what feedparser salvaged is kept)
    NOT_A_FEED = "not_a_feed"
    FETCH_ERROR = "fetch_error"
    TOO_LARGE = "too_large"
    BLOCKED = "blocked"
    DEFERRED = "deferred"
    NOT_DUE = "not_due"  # not polled: its next poll is later (no feed_fetches row)

    @classmethod
    def of(cls, fetched: FetchOutcome) -> FeedOutcome:
        return cls(fetched.value)

    @property
    def failed(self) -> bool:
        """The feed failed this run: counted in the run's feeds_failed, listed among failing feeds."""
        return self in _FEED_FAILED

    @property
    def failed_poll(self) -> bool:
        """The poll brought nothing usable: the feed keeps its stored validators and backs off. A deferred
        poll (the fetch budget was spent) counts here too, though the feed did not fail."""
        return self in _FEED_FAILED or self is FeedOutcome.DEFERRED

    @property
    def polled(self) -> bool:
        return self is not FeedOutcome.NOT_DUE


class Outcome(StrEnum):
    """What one entry (or seed file) ends as: exactly one final outcome each (entries.outcome, runs.tally).

    OK is not final: a page fetched, or an article extracted, on its way to loaded or duplicate."""

    OK = "ok"
    LOADED = "loaded"
    DUPLICATE = "duplicate"
    KNOWN = "known"  # stored already, or listed twice in the run: not fetched again
    NO_TEXT = "no_text"
    NOT_ARTICLE = "not_article"
    FETCH_ERROR = "fetch_error"
    BLOCKED = "blocked"
    TOO_LARGE = "too_large"
    PARSE_ERROR = "parse_error"
    DEFERRED = "deferred"  # over --limit, or its fetch did not fit in the budget: fetched by the next run

    @classmethod
    def of(cls, fetched: FetchOutcome) -> Outcome:
        """A page request's outcome as the entry's; a 304 to a request that sent no validators is an error."""
        if fetched == FetchOutcome.NOT_MODIFIED:
            return cls.FETCH_ERROR
        return cls(fetched.value)

    @property
    def is_final(self) -> bool:
        return self is not Outcome.OK

    @property
    def retryable(self) -> bool:
        """A later run fetches the page again (up to MAX_PAGE_ATTEMPTS attempts)."""
        return self in (Outcome.FETCH_ERROR, Outcome.TOO_LARGE)

    @property
    def stored(self) -> bool:
        """The entry's page became an article row."""
        return self in (Outcome.LOADED, Outcome.DUPLICATE)


# Final outcomes in the order the run summary lists them.
FINAL = tuple(o for o in Outcome if o.is_final)
_FEED_FAILED = frozenset(
    (FeedOutcome.FETCH_ERROR, FeedOutcome.TOO_LARGE, FeedOutcome.BLOCKED, FeedOutcome.NOT_A_FEED)
)
