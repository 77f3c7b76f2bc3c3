"""The records passed between stages: a processed item's one outcome and flags, a run's counts."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from extractors.article import Article
from extractors.corpus import seed_items
from extractors.linking import Decision
from extractors.model import FeedResult, Item, Page, Processed, RunSummary
from extractors.outcome import FeedOutcome, Outcome
from extractors.tagging import LabelHit, Tags
from tests.conftest import CORPUS

ART = Article("T", "text", (), None, "none", None, "en", None, None)
URL = "https://wire.example/1"


def processed(article: Article | None = ART, relevance: float = 0.9, dup: str | None = None) -> Processed:
    tags = Tags((LabelHit("actor", "zelensky", 2, 0, "Zelensky said"),), relevance, "v1")
    decision = Decision(URL, dup, "near" if dup else None, 0.9 if dup else None)
    page = Page(Item(key=URL, source="feed", url=URL), Outcome.OK)
    return Processed(page, Outcome.OK, article, None, tags if article else None, decision=decision)


def test_a_string_outcome_is_made_its_member() -> None:
    page = Page(Item(key="k", source="feed"), "ok")  # type: ignore[arg-type]
    assert page.outcome is Outcome.OK
    result = FeedResult("f", "F", None, "not_due", 0, 0, 0, 0, None, None, None, None)  # type: ignore[arg-type]
    assert result.outcome is FeedOutcome.NOT_DUE


def test_an_articles_final_outcome_and_flags() -> None:
    assert processed().final == Outcome.LOADED and processed(dup="seed:000").final == Outcome.DUPLICATE
    assert processed().flags == []
    flagged = processed(replace(ART, truncated=True, date_flag="future"))
    assert flagged.flags == ["truncated", "date_future"]
    assert processed(None).flags == []


def test_a_run_counts_each_batch() -> None:
    summary = RunSummary.start()
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", summary.run_id)
    summary.add_batch([processed(), processed(replace(ART, truncated=True), 0.2, dup="seed:000")], 0.5)
    assert summary.tally == {Outcome.LOADED: 1, Outcome.DUPLICATE: 1}
    assert summary.labels == {"zelensky": 2} and summary.relevant == 1
    assert summary.flags == {"truncated": 1} and summary.flagged == [(URL, "truncated")]


def test_seed_items_are_the_corpus_files_not_stored_yet(tmp_path: Path) -> None:
    seeds = seed_items(CORPUS, {"seed:000_6a9ea2563cee9e0e"})
    assert [s.key for s in seeds] == [f"seed:{p.stem}" for p in sorted(CORPUS.glob("*.txt"))][1:]
    assert all(s.source == "seed" and s.seed_text for s in seeds)
    assert seed_items(tmp_path / "none", set()) == []
