from __future__ import annotations

import pytest

from extractors.scoring import score_corpus, score_document, shingles


def test_shingles_are_word_4grams_with_short_texts_as_one() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("a, b!") == {("a", "b"): 1}
    assert shingles("") == {}


def test_perfect_and_partial_documents() -> None:
    truth = "one two three four five six"
    perfect = score_document("One two".lower() + " three four five six", truth)
    assert (perfect.precision, perfect.recall, perfect.exact) == (1.0, 1.0, True)
    half = score_document("one two three four", truth)  # 1 of 3 truth shingles, nothing extra
    assert half.precision == 1.0 and half.recall == pytest.approx(1 / 3) and not half.exact
    noisy = score_document(truth + " menu login share", truth)
    assert noisy.recall == 1.0 and noisy.precision == pytest.approx(3 / 6)


def test_empty_prediction_counts_for_recall_only() -> None:
    empty = score_document("", "one two three four five")
    assert empty.precision is None and empty.recall == 0.0
    corpus = score_corpus([score_document("a b c d", "a b c d"), empty])
    assert corpus.precision == 1.0 and corpus.recall == 0.5
    assert corpus.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5) and corpus.accuracy == 0.5
