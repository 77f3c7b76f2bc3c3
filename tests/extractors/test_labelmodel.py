"""The learned decision per proposal (extractors/labelmodel.py) and its place in tag()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.labelmodel import LabelModel, LabelModelError, LabelWeights, load_model
from extractors.tagging import Matcher, tag
from extractors.taxonomy import parse_taxonomy

CAP = """version = "t1"
[relevance]
core_actors = ["ukraine"]
[[actor]]
id = "ukraine"
names = ["Ukraine"]
[[proposal]]
id = "military-cap"
near = [{ a = ["limit"], b = ["army"], window = 20 }]
"""
# Far apart, the rule misses; the model reads "both lists in the text" and adds the proposal.
FAR = "The plan would limit, among many other things agreed in long talks in Geneva, the army of Ukraine."


def model(threshold: float = 0.5) -> LabelModel:
    weights = {"t:military-cap:0": 3.0}
    return LabelModel("t1", {"military-cap": LabelWeights(-2.0, weights, threshold)})


def proposals(m: Matcher, text: str) -> set[str]:
    return {h.label for h in tag(m, text, "en").labels if h.kind == "proposal"}


def test_the_model_adds_a_proposal_whose_rule_lists_are_both_in_the_text() -> None:
    taxonomy = parse_taxonomy(CAP)
    assert proposals(Matcher(taxonomy), FAR) == set()
    assert proposals(Matcher(taxonomy, model()), FAR) == {"military-cap"}
    hit = next(h for h in tag(Matcher(taxonomy, model()), FAR, "en").labels if h.label == "military-cap")
    assert hit.evidence.startswith("The plan would limit")


def test_the_model_never_adds_a_proposal_without_its_rule_words() -> None:
    # Even a model that says yes to everything (bias 10) adds nothing to a text without the rule's lists.
    eager = LabelModel("t1", {"military-cap": LabelWeights(10.0, {}, 0.5)})
    assert proposals(Matcher(parse_taxonomy(CAP), eager), "Ukraine wants a limit on prices.") == set()


def test_the_model_keeps_what_the_rules_found() -> None:
    never = LabelModel("t1", {"military-cap": LabelWeights(-10.0, {}, 0.5)})
    assert proposals(Matcher(parse_taxonomy(CAP), never), "Ukraine: a limit on the army.") == {"military-cap"}


def test_a_model_trained_with_another_taxonomy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "label-model.json"
    path.write_text(json.dumps({"taxonomy_version": "t0", "labels": {}}))
    with pytest.raises(LabelModelError, match="trained with taxonomy t0, not t1: run `make train-labels`"):
        load_model(path, "t1")
    path.write_text("{not json")
    with pytest.raises(LabelModelError, match="cannot read"):
        load_model(path, "t1")
