from __future__ import annotations

import pytest

from extractors.tagging import Matcher, fold, tag
from extractors.taxonomy import TaxonomyError, parse_taxonomy
from tests.conftest import CORPUS, ROOT


def labels(m: Matcher, text: str, kind: str | None = None) -> set[str]:
    return {h.label for h in tag(m, text).labels if kind is None or h.kind == kind}


def test_seed_gold_is_matched_exactly(matcher: Matcher, gold: list[dict]) -> None:
    for g in gold:
        text = (CORPUS / g["file"]).read_text()
        assert labels(matcher, text, "proposal") == set(g["proposals"]), g["file"]
        assert labels(matcher, text, "actor") == set(g["actors"]), g["file"]
        assert tag(matcher, text).relevance >= 0.5


def test_every_label_spec_id_is_in_the_taxonomy(matcher: Matcher) -> None:
    spec = (ROOT / "docs" / "label-spec.md").read_text()
    proposals = {line.split("|")[1].strip() for line in spec.splitlines()
                 if line.startswith("| ") and not line.startswith(("| id", "|---"))}  # fmt: skip
    actor_lines = [line for line in spec.splitlines() if line.startswith(("States and blocs:", "People:"))]
    actors = {a.strip(" .") for line in actor_lines for a in line.split(":", 1)[1].split(",")}
    assert proposals == set(matcher.taxonomy.ids("proposal"))
    assert actors == set(matcher.taxonomy.ids("actor"))


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Russian forces continued their advance near Pokrovsk.", "jd-vance"),
        ("European leaders met in Paris.", "european-union"),
        ("The taxis were late.", "xi-jinping"),
        ("He played the trumpet in Kyiv.", "donald-trump"),
        ("È nato a Roma nel 1970.", "nato"),
        ("A ceasefire was agreed in Gaza.", "ceasefire-30-day"),
        ("Trump presented his plan on Monday.", "us-28-point-plan"),
    ],
)
def test_traps(matcher: Matcher, text: str, absent: str) -> None:
    assert absent not in labels(matcher, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vice President JD Vance said so.", "jd-vance"),
        ("The EU will decide.", "european-union"),
        ("Xi Jinping called Putin.", "xi-jinping"),
        ("Зеленського зустріли у Вашингтоні.", "volodymyr-zelensky"),
        ("Путину доложили о переговорах.", "vladimir-putin"),
        ("Selenskyj reiste nach Brüssel.", "volodymyr-zelensky"),
        ("Spotkanie z Zełenskim w Kijowie.", "volodymyr-zelensky"),
        ("The Kremlin rejected the offer.", "russia"),
        ("Brussels approved the package.", "european-union"),
        ("Putin rejected a 30-day ceasefire proposed at Jeddah.", "ceasefire-30-day"),
        ("The ceasefire would last for 30 days, officials said.", "ceasefire-30-day"),
        ("Kyiv rejected the 28-point plan drafted by Witkoff and Dmitriev.", "us-28-point-plan"),
        ("Der 28-Punkte-Plan liegt vor.", "us-28-point-plan"),
        ("Київ отримав план з 28 пунктів.", "us-28-point-plan"),
        ("The Europeans answered with their own 28-point plan.", "european-counter-plan"),
        ("Ukraine would enshrine that it will not join NATO.", "nato-neutrality"),
        ("Les garanties de sécurité restent floues.", "security-guarantees"),
        ("Moscow demands sanctions relief and a return to the G8.", "sanctions-relief"),
    ],
)
def test_names_in_many_languages(matcher: Matcher, text: str, expected: str) -> None:
    assert expected in labels(matcher, text)


def test_evidence_mentions_and_offsets(matcher: Matcher) -> None:
    text = "Talks resumed.\nZelensky met Witkoff. Later Zelensky spoke again, and Zelenskyy's aide too."
    hits = {h.label: h for h in tag(matcher, text).labels}
    z = hits["volodymyr-zelensky"]
    assert z.mentions == 3 and text[z.first_offset :].startswith("Zelensky")
    assert z.evidence == "Zelensky met Witkoff."


def test_overlapping_names_count_once(matcher: Matcher) -> None:
    hits = {h.label: h for h in tag(matcher, "Ukrainian President Volodymyr Zelensky arrived.").labels}
    assert hits["volodymyr-zelensky"].mentions == 1


def test_fold_keeps_length() -> None:
    text = "Zełenski — “Київ” Erdoğan"
    assert len(fold(text)) == len(text)


def test_relevance_needs_the_talks(matcher: Matcher) -> None:
    battle = "Russia launched drones at Kyiv overnight, Ukraine's air force said. Two people were injured."
    gaza = "The Gaza ceasefire holds as negotiators meet in Cairo; talks on a truce continue."
    talks = "Ukraine and Russia resumed peace talks on the 28-point plan; Zelensky rejected territorial concessions."
    assert tag(matcher, battle).relevance < 0.5
    assert tag(matcher, gaza).relevance < 0.5
    assert tag(matcher, talks).relevance >= 0.5


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[actor]]\nid = "x"\nnames = ["A"]\ncolour = "red"', "unknown key 'colour'"),
        (
            '[[actor]]\nid = "x"\nnames = ["A"]\n[[actor]]\nid = "y"\nnames = ["a"]',
            "given to both x and y",
        ),
        ('[[actor]]\nid = "x"\n[[actor]]\nid = "x"', "defined twice"),
        ("[[actor]\n", "not valid TOML"),
    ],
)
def test_taxonomy_errors_name_the_problem(toml: str, message: str) -> None:
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(toml)
