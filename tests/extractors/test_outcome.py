"""The outcome enums against the SQL that filters on their literals, and their groupings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.outcome import FINAL, FeedOutcome, FetchOutcome, Outcome
from tests.conftest import ROOT

SQL = sorted((ROOT / "warehouse").rglob("*.sql"))
MEMBERS = {o.value for o in Outcome} | {o.value for o in FeedOutcome}
# A literal that names an outcome: compared with an outcome column, or read from a run's tally.
OUTCOME_FILTER = re.compile(r"outcome\s*(?:<>|!=|=|(?:NOT\s+)?IN)\s*\(?((?:\s*'[a-z_]+'\s*,?)+)\)?", re.I)
TALLY_KEY = re.compile(r"tally->>'([a-z_]+)'")


def literals(text: str) -> set[str]:
    found = {lit for group in OUTCOME_FILTER.findall(text) for lit in re.findall(r"'([a-z_]+)'", group)}
    return found | set(TALLY_KEY.findall(text))


def in_list(path: Path, pattern: str) -> set[str]:
    match = re.search(pattern, path.read_text(encoding="utf-8"))
    assert match, f"{pattern!r} not in {path}"
    return set(re.findall(r"'([a-z_]+)'", match.group(1)))


def test_the_pattern_finds_the_literals_it_should() -> None:
    text = "WHERE e.outcome NOT IN ('fetch_error', 'too_large') AND outcome = 'deferred' OR tally->>'loaded'"
    assert literals(text) == {"fetch_error", "too_large", "deferred", "loaded"}


@pytest.mark.parametrize("path", SQL, ids=[str(p.relative_to(ROOT)) for p in SQL])
def test_every_outcome_literal_in_the_sql_is_a_member(path: Path) -> None:
    assert literals(path.read_text(encoding="utf-8")) <= MEMBERS


def test_the_sql_has_outcome_literals_to_check() -> None:
    assert len(set().union(*(literals(p.read_text(encoding="utf-8")) for p in SQL))) >= 8


def test_the_feed_health_view_fails_the_feeds_the_run_summary_fails() -> None:
    view = ROOT / "warehouse" / "views" / "024_v_feed_health.sql"
    failed = in_list(view, r"outcome IN \(([^)]*)\)\) AS failed_polls")
    assert failed == {o.value for o in FeedOutcome if o.failed}


def test_retried_entries_are_the_retryable_outcomes() -> None:
    query = ROOT / "warehouse" / "queries" / "read_retry_entries.sql"
    assert in_list(query, r"e\.outcome IN \(([^)]*)\)") == {o.value for o in Outcome if o.retryable}


def test_groupings() -> None:
    assert {o for o in FeedOutcome if o.failed} == {"fetch_error", "too_large", "blocked", "not_a_feed"}
    assert FeedOutcome.DEFERRED.failed_poll and not FeedOutcome.DEFERRED.failed
    assert not FeedOutcome.NOT_DUE.polled and FeedOutcome.NOT_MODIFIED.polled
    assert not Outcome.OK.is_final and Outcome.OK not in FINAL
    assert FINAL[:2] == (Outcome.LOADED, Outcome.DUPLICATE) and len(FINAL) == len(Outcome) - 1
    assert {o for o in Outcome if o.stored} == {"loaded", "duplicate"}


def test_a_page_request_outcome_becomes_the_entrys() -> None:
    assert Outcome.of(FetchOutcome.BLOCKED) is Outcome.BLOCKED
    assert Outcome.of(FetchOutcome.DEFERRED) is Outcome.DEFERRED
    # A 304 answers a conditional request; a page request sends no validators: the server erred.
    assert Outcome.of(FetchOutcome.NOT_MODIFIED) is Outcome.FETCH_ERROR
    assert {FeedOutcome.of(f) for f in FetchOutcome} <= set(FeedOutcome)


def test_members_are_their_strings() -> None:
    assert Outcome.LOADED == "loaded" and f"{FeedOutcome.NOT_A_FEED}" == "not_a_feed"
    assert {Outcome.KNOWN: 1} == {"known": 1}
