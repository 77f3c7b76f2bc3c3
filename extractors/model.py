"""Plain data passed between the stages of a run (picklable, no I/O): items, pages, outcomes, results."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from extractors.article import Article
from extractors.dedup import Fingerprint
from extractors.linking import Decision
from extractors.outcome import FeedOutcome, Outcome
from extractors.tagging import Tags


def now() -> datetime:
    """The time records are stamped with (UTC)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Item:
    """One thing to ingest: a new feed entry, or a seed file."""

    key: str  # the article id it will get (URL key, or 'seed:<file>')
    source: str  # 'feed' | 'seed'
    url: str | None = None
    guid: str | None = None
    guid_key: str | None = None
    alias_key: str | None = None  # key of the link the feed gave, when it differs (Google News)
    feed_id: str | None = None
    outlet: str | None = None
    title: str = ""
    summary: str = ""
    feed_date: datetime | None = None
    language: str | None = None
    seed_text: str | None = None


@dataclass(frozen=True)
class Page:
    """What fetching an item gave: a body, or the outcome that ends it."""

    item: Item
    outcome: Outcome  # OK or a final outcome
    body: bytes = field(default=b"", repr=False)
    final_url: str | None = None
    content_type: str | None = None
    detail: str | None = None
    content_language: str | None = None
    raw_hash: str | None = None  # SHA-256 of the body, once it is in the raw archive

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))  # "ok" given as a string: the member


@dataclass(frozen=True)
class Processed:
    """An item after extraction, fingerprinting and tagging."""

    page: Page
    outcome: Outcome  # OK (an article) or a final outcome
    article: Article | None = None
    fingerprint: Fingerprint | None = None
    tags: Tags | None = None
    detail: str | None = None
    decision: Decision | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))

    @property
    def item(self) -> Item:
        return self.page.item

    @property
    def flags(self) -> list[str]:
        """What needs a look on a loaded article: truncated, an implausible date."""
        a = self.article
        if a is None:
            return []
        return (["truncated"] if a.truncated else []) + ([f"date_{a.date_flag}"] if a.date_flag else [])

    @property
    def final(self) -> Outcome:
        """The item's one outcome."""
        if self.outcome.is_final:
            return self.outcome
        return Outcome.DUPLICATE if self.decision and self.decision.duplicate_of else Outcome.LOADED


@dataclass(frozen=True)
class FeedResult:
    feed_id: str
    outlet: str
    status: int | None
    outcome: FeedOutcome
    entries_seen: int
    entries_new: int
    bytes: int
    duration_ms: int
    error: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    charset: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", FeedOutcome(self.outcome))


@dataclass(frozen=True)
class FeedState:
    """A feed's stored state (one row of feed_state): validators, last body, failures, schedule."""

    feed_id: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_new_entry_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None
    interval_s: int | None = None
    next_poll_at: datetime | None = None


@dataclass
class RunSummary:
    run_id: str
    started_at: datetime
    finished_at: datetime | None = None
    feeds: list[FeedResult] = field(default_factory=list)
    tally: Counter[Outcome] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)  # truncated, date flags: on loaded items
    flagged: list[tuple[str, str]] = field(default_factory=list)  # (url, flag) of those items
    relevant: int = 0
    conditions: list[Any] = field(default_factory=list)  # peacewire.alerts.Condition after the run
    report: str | None = None  # path of the HTML report the run wrote

    @classmethod
    def start(cls) -> RunSummary:
        """A new run: its id is its start time (UTC) and a random suffix."""
        at = now()
        return cls(at.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6], at)

    def add_batch(self, docs: Sequence[Processed], relevance_threshold: float) -> None:
        """Count a loaded batch's outcomes, labels, flags and relevant articles."""
        self.tally.update(d.final for d in docs)
        self.labels.update(h.label for d in docs if d.tags for h in d.tags.labels)
        flagged = [(d.page.final_url or d.item.url or d.item.key, f) for d in docs for f in d.flags]
        self.flags.update(f for _, f in flagged)
        self.flagged += flagged
        self.relevant += sum(1 for d in docs if d.tags and d.tags.relevance >= relevance_threshold)

    @property
    def feeds_failed(self) -> int:
        return sum(1 for f in self.feeds if f.outcome.failed)

    @property
    def feeds_skipped(self) -> int:
        return sum(1 for f in self.feeds if not f.outcome.polled)

    @property
    def feeds_ok(self) -> int:
        return len(self.feeds) - self.feeds_failed - self.feeds_skipped

    @property
    def entries_seen(self) -> int:
        return sum(f.entries_seen for f in self.feeds)

    @property
    def entries_new(self) -> int:
        return sum(f.entries_new for f in self.feeds)
