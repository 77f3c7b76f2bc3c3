"""The relevance score: proposals, and negotiation words as dense as in a sentence about the talks, in a
text about the war (extractors/tagging.py, docs/labels.md)."""

from __future__ import annotations

import pytest

from extractors.tagging import DENSITY_CHARS, Matcher, density, tag

FILLER = "The committee discussed the city budget, the new tram line and the schools. " * 40


@pytest.mark.parametrize(
    "text",
    [
        "Zelensky said the talks in Geneva had been constructive.",
        "Sybiha said Kyiv's delegation would fly to Miami on Sunday.",
        "Kaja Kallas said Europe had its own peace proposal for Ukraine.",
        "Selenskyj nannte die Verhandlungen in Genf konstruktiv.",
    ],
)
def test_a_sentence_about_the_talks_is_relevant_without_a_proposal(matcher: Matcher, text: str) -> None:
    assert tag(matcher, text).relevance >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        # a long article with one passing word of the talks
        f"Ukraine's capital hosted a food festival. {FILLER} Russia was not mentioned in the talks.",
        # a deal about the war's past, not about the talks: deal words alone are not negotiation words
        "Ukraine and Poland reached a deal on exhuming the victims of the Volhynia massacres.",
        # talks, but not about this war
        "Armenia and Azerbaijan resumed peace talks in Abu Dhabi on Sunday.",
        # the war, but no talks
        "Russian drones struck Kharkiv overnight, Ukraine's air force said.",
    ],
)
def test_passing_words_or_other_talks_are_not_relevant(matcher: Matcher, text: str) -> None:
    assert tag(matcher, text).relevance < 0.5


def test_density_is_per_sentence_sized_stretch() -> None:
    assert density(1, 120) == 1.0  # a short sentence counts as one full stretch
    assert density(1, 4 * DENSITY_CHARS) == 0.25
    assert density(3, 3 * DENSITY_CHARS) == 1.0
