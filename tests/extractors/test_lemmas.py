"""Matching by lemma (extractors/lemmas.py, the lemma trie of extractors/tagging.py)."""

from __future__ import annotations

import pytest

from extractors.lemmas import Lemmatiser
from extractors.tagging import Matcher, fold, tag
from extractors.taxonomy import TaxonomyError, parse_taxonomy

GUARANTEES = """version = "t"
[[proposal]]
id = "security-guarantees"
names = ["гарантії безпеки", "gwarancje bezpieczeństwa", "Sicherheitsgarantie", "security guarantee"]
[[proposal]]
id = "ukraine-elections"
near = [{ a = ["=elections"], b = ["Ukraine"], window = 40 }]
[[actor]]
id = "nato"
cased = ["NATO"]
names = ["nascere"]
"""


def found(text: str, language: str | None) -> set[str]:
    return {h.label for h in tag(Matcher(parse_taxonomy(GUARANTEES)), text, language).labels}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Київ наполягає на гарантіях безпеки від партнерів.", "uk"),  # locative plural
        ("Мова йде про гарантій безпеки для України.", "uk"),  # genitive plural
        ("Rozmowy dotyczyły gwarancji bezpieczeństwa dla Kijowa.", "pl"),  # genitive
        ("Berlin spricht über Sicherheitsgarantien für Kiew.", "de"),  # plural
    ],
)
def test_an_inflected_form_is_found_through_its_lemma(text: str, language: str) -> None:
    assert "security-guarantees" in found(text, language)


def test_without_a_language_the_text_language_is_detected() -> None:
    text = "Київ наполягає на гарантіях безпеки від партнерів, і президент України говорить про це щодня."
    assert "security-guarantees" in found(text, None)


@pytest.mark.parametrize("language", ["en", "fr", "xx", None])
def test_other_languages_are_matched_by_surface_only(language: str | None) -> None:
    # English and French lemmas merge nouns with common verbs: no lemma trie for them.
    assert found("Kyiv wants security guarantees from its partners and allies.", language) == set()
    assert found("Kyiv wants a security guarantee from its partners and allies.", language) == {
        "security-guarantees"
    }


def test_french_avoir_is_not_the_lemma_of_assets() -> None:
    # "avoirs" (assets) lemmatises to "avoir" (to have): French "a" and "avons" would be assets.
    toml = '[[proposal]]\nid = "frozen-assets"\nnear = [{ a = ["avoirs"], b = ["russes"], window = 30 }]'
    m = Matcher(parse_taxonomy(toml))
    assert not tag(m, "La Russie a dit que les forces russes avancent.", "fr").labels
    assert tag(m, "Les avoirs russes gelés en Belgique.", "fr").labels


def test_a_term_marked_exact_is_not_matched_by_its_lemma() -> None:
    # "=elections": the plural is a vote in Ukraine; the singular "election year" is anyone's.
    assert found("2024 is an election year in the US, and aid to Ukraine is debated.", "en") == set()
    assert found("Trump wants elections in Ukraine before any deal.", "en") == {"ukraine-elections"}


def test_a_lemma_that_does_not_start_like_its_word_is_not_used() -> None:
    # simplemma reads Italian "nato" as "nascere": NATO is an acronym, not the verb.
    it = Lemmatiser("it", fold)
    assert it.lemma("nato") == "nato"
    assert found("È nato a Roma nel 1970.", "it") == set()
    assert it.lemma("territori") == "territorio"


def test_an_exact_mark_on_a_stem_is_an_error() -> None:
    with pytest.raises(TaxonomyError, match="drop the '='"):
        parse_taxonomy('[[proposal]]\nid = "x"\nnames = ["=abc*"]')
