"""The taxonomy format: shared word lists and stems (extractors/taxonomy.py)."""

from __future__ import annotations

import pytest

from extractors.tagging import Matcher, tag
from extractors.taxonomy import TaxonomyError, parse_taxonomy

TWO_RULES = """version = "t"
[lists]
truce = ["ceasefire", "truce"{extra}]
[[proposal]]
id = "month"
near = [{{ a = ["@truce"], b = ["30 days"], window = 30 }}]
[[proposal]]
id = "energy"
near = [{{ a = ["@truce", "moratorium"], b = ["power plants"], window = 30 }}]
"""


def found(toml: str, text: str) -> set[str]:
    return {h.label for h in tag(Matcher(parse_taxonomy(toml)), text).labels}


def test_a_word_added_to_a_list_reaches_every_rule_that_uses_it() -> None:
    text = "A pause in the fighting for 30 days; a pause in the fighting on power plants."
    assert found(TWO_RULES.format(extra=""), text) == set()
    assert found(TWO_RULES.format(extra=', "pause in the fighting"'), text) == {"month", "energy"}
    # the rule's own words stay beside the list's
    assert found(TWO_RULES.format(extra=""), "a moratorium on strikes on power plants") == {"energy"}


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[[proposal]]\nid = "x"\nnear = [{ a = ["@truce"], b = ["30 days"] }]',
            r"\[\[proposal\]\] x.near\[0\].a: unknown list '@truce'",
        ),
        (
            '[lists]\ntruce = ["truce"]\n[[proposal]]\nid = "x"\nunless = { terms = ["@gaza"] }',
            r"x.unless: unknown list '@gaza' \(defined: \['truce'\]\)",
        ),
        ('[lists]\ntruce = "truce"', r"\[lists\].truce: expected a list"),
        (
            '[[actor]]\nid = "us"\nnames = ["US"]\nnear = [{ a = ["Stan* Zjednoczon*"], b = ["x"] }]',
            r"'Stan\* Zjednoczon\*': '\*' may only end a term",
        ),
    ],
)
def test_list_and_stem_errors_name_the_rule(toml: str, message: str) -> None:
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(toml)


def test_a_rule_marked_unless_false_is_not_dropped_by_the_labels_blockers() -> None:
    toml = """version = "t"
[[proposal]]
id = "us-plan"
names = ["28-point plan"]
near = [{ a = ["Witkoff"], b = ["draft"], window = 20, unless = false }]
unless = { terms = ["European"], window = 60 }
"""
    assert found(toml, "The 28-point plan alarmed European capitals.") == set()
    assert found(toml, "The draft by Witkoff alarmed European capitals.") == {"us-plan"}


def test_a_flag_that_is_not_a_boolean_is_an_error() -> None:
    with pytest.raises(TaxonomyError, match=r"x.near\[0\].unless: expected true or false, not 'no'"):
        parse_taxonomy('[[proposal]]\nid = "x"\nnear = [{ a = ["a"], b = ["b"], unless = "no" }]')
    with pytest.raises(TaxonomyError, match=r"\[\[proposal\]\] x.core: expected true or false"):
        parse_taxonomy('[[proposal]]\nid = "x"\ncore = 1')
