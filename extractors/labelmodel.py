"""A learned decision per proposal over the matcher's own evidence (pure: weights from a JSON file).

Features are language-independent: what the taxonomy found, not which words ("r:near_a:military-cap:1" =
how many words of that rule's list `a` the text has, wherever they are; "s:military-cap:1" = the rule's
two lists meet in one sentence; "L:russia" = the rules found that label; "war", "terms"). One logistic
regression per proposal, trained on the dev split of the real corpus by `make train-labels`
(bench/train_labels.py), reads them and adds a proposal the rules missed where a rule of that proposal has
words of both its lists in the text, but not close enough (extractors/tagging.py candidates); it never
drops one the rules found.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Features = dict[str, float]


class LabelModelError(ValueError):
    """The model file cannot be used with this taxonomy; the message says why."""


@dataclass(frozen=True)
class LabelWeights:
    bias: float
    weights: dict[str, float]
    threshold: float

    def probability(self, features: Features) -> float:
        weights = self.weights
        x = self.bias + sum(v * weights.get(k, 0.0) for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


MODES = ("add",)


@dataclass(frozen=True)
class LabelModel:
    taxonomy_version: str
    labels: dict[str, LabelWeights]
    mode: str = "add"  # the model only adds proposals to the rules' (docs/labels.md: "replace" lost in CV)

    def decide(self, features: Features) -> dict[str, float]:
        """The probability of each proposal the model has weights for."""
        return {label: w.probability(features) for label, w in self.labels.items()}


def _weights(raw: dict[str, Any]) -> LabelWeights:
    weights = {k: float(x) for k, x in raw["weights"].items()}
    return LabelWeights(float(raw["bias"]), weights, float(raw["threshold"]))


def parse_model(raw: dict[str, Any]) -> LabelModel:
    labels = {
        label: LabelWeights(
            float(v["bias"]), {k: float(x) for k, x in v["weights"].items()}, float(v["threshold"])
        )
        for label, v in raw["labels"].items()
    }
    mode = str(raw.get("mode", "add"))
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not one of {MODES}")
    return LabelModel(str(raw["taxonomy_version"]), labels, mode)


def load_model(path: Path, taxonomy_version: str) -> LabelModel:
    """The model at a path, refused when it was trained with another taxonomy (its features would not mean
    the same rules)."""
    try:
        model = parse_model(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LabelModelError(f"cannot read the label model {path}: {exc}") from None
    if model.taxonomy_version != taxonomy_version:
        raise LabelModelError(
            f"{path} was trained with taxonomy {model.taxonomy_version}, not {taxonomy_version}: "
            "run `make train-labels`"
        )
    return model
