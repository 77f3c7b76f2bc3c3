"""The dedup stage over a batch of processed documents (extractors.linking.decide_batch)."""

from __future__ import annotations

from datetime import UTC, datetime

from extractors.article import Article
from extractors.corpus import parse_seed
from extractors.dedup import fingerprint
from extractors.linking import Candidate, Rules, batch_candidates, canonical_key, decide_batch, merge_problem
from extractors.model import Item, Page, Processed
from extractors.outcome import Outcome
from extractors.urls import url_key
from tests.conftest import CORPUS

TEXT = parse_seed((CORPUS / "002_7555e2088863e2c3.txt").read_text(encoding="utf-8")).text
RULES = Rules(0.35, 0.8)


def doc(key: str, day: int, canonical: str | None = None, text: str = TEXT) -> Processed:
    when = datetime(2026, 1, day, tzinfo=UTC)
    art = Article("T", text, (), when, "page", None, "en", None, canonical)
    return Processed(Page(Item(key=key, source="feed"), Outcome.OK), Outcome.OK, art, fingerprint(text))


def test_only_extracted_articles_are_candidates() -> None:
    failed = Processed(Page(Item(key="f", source="feed"), Outcome.FETCH_ERROR), Outcome.FETCH_ERROR)
    got = batch_candidates([doc("a", 2, "https://www.wire.example/a?utm_source=x"), failed])
    assert [(c.article_id, c.canonical_key) for c in got] == [("a", url_key("https://wire.example/a"))]
    assert canonical_key(doc("b", 2, "http://[::1")) is None


def test_each_document_gets_its_decision_against_the_stored_and_the_batch() -> None:
    stored = [Candidate("seed:002", fingerprint(TEXT), None)]
    failed = Processed(Page(Item(key="f", source="feed"), Outcome.FETCH_ERROR), Outcome.FETCH_ERROR)
    out = decide_batch([doc("copy", 3), failed], stored, RULES)
    assert out[0].decision is not None and out[0].decision.duplicate_of == "seed:002"
    assert (
        out[0].final == Outcome.DUPLICATE and out[1].decision is None and out[1].final == Outcome.FETCH_ERROR
    )
    within = decide_batch([doc("late", 5), doc("early", 2)], [], RULES)
    assert [d.decision.duplicate_of for d in within if d.decision] == ["early", None]


def test_a_rebuilt_batch_is_not_its_own_candidate() -> None:
    """reextract: the batch's stored rows are being replaced, so neither they nor their copies count."""
    stored = [
        Candidate("a", fingerprint(TEXT), None),
        Candidate("c", fingerprint(TEXT), None),  # kept apart by an earlier extraction
    ]
    rebuilt = decide_batch([doc("a", 2), doc("c", 3)], stored, RULES, exclude_batch=True)
    assert [d.decision.duplicate_of for d in rebuilt if d.decision] == [None, "a"]
    against_old_rows = decide_batch([doc("a", 2), doc("c", 3)], stored, RULES)
    assert against_old_rows[0].decision is not None and against_old_rows[0].decision.duplicate_of == "c"


def test_merge_problem() -> None:
    assert merge_problem("a", "a") == "an article cannot copy itself" and merge_problem("a", "b") is None
