"""seeds/taxonomy.toml -> Taxonomy (pure), validated on load.

Per label (``[[actor]]`` or ``[[proposal]]``):
  id      the label id of label-spec.md
  names   names, spellings, titles, metonyms: each a whole-word phrase
  stems   inflecting stems (Ukrainian, Russian, Polish...): the stem plus up to
          five more letters ("Зеленськ" matches Зеленського, Зеленському)
  cased   case-sensitive names (acronyms such as "EU", "UE")
  near    context rules: a term of ``a`` within ``window`` characters (or, with window = "sentence", in the
          same sentence) of a term
          of ``b`` is a mention (the 30-day ceasefire: "ceasefire" near "30 days"); a term
          ending in ``*`` is a stem (the word plus up to five letters: "заморож*")
  core    true: every mention, names included, counts only in a text about the war ("prisoner
          swap", "sanctions relief" and "buffer zone" are other wars' words too)
  unless  a mention with any of ``terms`` within ``window`` characters is dropped (a near rule with
          ``unless = false`` is not: "28 proposals drafted by Witkoff" stays the US plan near "European")
Every exact term is matched by its surface form and by its lemmas in the article's language
("security guarantees" finds "гарантій безпеки"'s equivalents only through their own names, but
"гарантії безпеки" finds "гарантіями безпеки"); a term written "=word" is matched by its surface
form only, where its lemma would merge distinct things ("=elections" must not become any "election").
[lists]
  named word lists shared by context rules: "@ceasefire" in a near rule's ``a``/``b`` or in
  ``unless.terms`` stands for every term of ``lists.ceasefire`` (a word added there reaches every
  rule that uses the list); an unknown name is an error naming the rule.
[relevance]
  terms / stems: the negotiation vocabulary counted by the relevance score.
  core_actors: the actors whose mention makes a text about the war.
  context_actors: actors only the talks bring up (Dmitriev, Umerov, Peskov...): like core_terms, they open
          the concept rules without counting as core mentions.
  core_terms: words that also place a text in the war without naming an actor
          ("Ukrainian", "украинск*", the war's places): they open the broad concept rules, they are
          not labels.
Unknown keys, unknown lists, duplicate names across labels and unknown label kinds are
errors naming the label.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("proposal", "actor")
LABEL_KEYS = {"id", "names", "stems", "cased", "near", "unless", "core"}
NEAR_KEYS = {"a", "b", "window", "core", "unless"}
UNLESS_KEYS = {"terms", "window"}
SENTENCE = -1  # a window of "sentence": both terms in one sentence (extractors/tagging.py Found.near)
RELEVANCE_KEYS = {"terms", "stems", "core_actors", "core_terms", "context_actors"}


class TaxonomyError(ValueError):
    """The taxonomy file is invalid; the message names the place."""


@dataclass(frozen=True)
class NearRule:
    a: tuple[str, ...]
    b: tuple[str, ...]
    window: int
    core: bool = False  # counts only in a text that names a core actor (broad concept rules)
    blockable: bool = True  # False: the label's `unless` terms do not drop this rule's mentions


@dataclass(frozen=True)
class Label:
    kind: str
    id: str
    names: tuple[str, ...]
    stems: tuple[str, ...]
    cased: tuple[str, ...]
    near: tuple[NearRule, ...]
    unless: tuple[str, ...]
    unless_window: int
    core: bool = False  # every mention, names included, counts only in a text about the war


@dataclass(frozen=True)
class Taxonomy:
    version: str
    labels: tuple[Label, ...]
    relevance_terms: tuple[str, ...]
    relevance_stems: tuple[str, ...]
    core_actors: tuple[str, ...]
    core_terms: tuple[str, ...] = ()
    context_actors: tuple[str, ...] = ()

    def ids(self, kind: str) -> list[str]:
        return [label.id for label in self.labels if label.kind == kind]


def _strings(where: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{where}: expected a list of non-empty strings")
    for v in value:
        if v.startswith("=") and v.endswith("*"):
            raise TaxonomyError(f"{where}: {v!r}: a stem is matched by its surface already; drop the '='")
        if "*" in v.rstrip("*") or v.endswith("**"):
            raise TaxonomyError(f"{where}: {v!r}: '*' may only end a term; spell out the other forms")
    return tuple(v.strip() for v in value)


def _check_keys(where: str, table: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise TaxonomyError(f"{where}: unknown key {unknown[0]!r} (allowed: {sorted(allowed)})")


Lists = dict[str, tuple[str, ...]]


def _flag(where: str, raw: dict[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise TaxonomyError(f"{where}.{key}: expected true or false, not {value!r}")
    return value


def _lists(raw: Any) -> Lists:
    if not isinstance(raw, dict):
        raise TaxonomyError("[lists]: expected a table of named word lists")
    return {name: _strings(f"[lists].{name}", terms) for name, terms in raw.items()}


def _terms(where: str, value: Any, lists: Lists) -> tuple[str, ...]:
    """A list of terms with every "@name" replaced by the words of lists.name."""
    out: list[str] = []
    for term in _strings(where, value):
        if not term.startswith("@"):
            out.append(term)
        elif term[1:] in lists:
            out += lists[term[1:]]
        else:
            raise TaxonomyError(f"{where}: unknown list {term!r} (defined: {sorted(lists)})")
    return tuple(dict.fromkeys(out))


def _near(where: str, raw: Any, lists: Lists) -> NearRule:
    _check_keys(where, raw, NEAR_KEYS)
    a, b = _terms(where + ".a", raw.get("a"), lists), _terms(where + ".b", raw.get("b"), lists)
    flags = _flag(where, raw, "core", False), _flag(where, raw, "unless", True)
    return NearRule(a, b, _window(where, raw.get("window", 60)), *flags)


def _window(where: str, value: Any) -> int:
    """A window in characters, or "sentence" (both terms in one sentence)."""
    if value == "sentence":
        return SENTENCE
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TaxonomyError(f'{where}.window: expected a number of characters or "sentence", not {value!r}')
    return value


def _label(kind: str, raw: dict[str, Any], lists: Lists) -> Label:
    where = f"[[{kind}]] {raw.get('id', '?')}"
    _check_keys(where, raw, LABEL_KEYS)
    if not isinstance(raw.get("id"), str):
        raise TaxonomyError(f"{where}: missing id")
    unless = raw.get("unless", {"terms": [], "window": 0})
    _check_keys(where + ".unless", unless, UNLESS_KEYS)
    return Label(
        kind=kind,
        id=raw["id"],
        names=_strings(where + ".names", raw.get("names", [])),
        stems=_strings(where + ".stems", raw.get("stems", [])),
        cased=_strings(where + ".cased", raw.get("cased", [])),
        near=tuple(_near(f"{where}.near[{i}]", r, lists) for i, r in enumerate(raw.get("near", []))),
        unless=_terms(where + ".unless", unless.get("terms", []), lists),
        unless_window=_window(where + ".unless", unless.get("window", 80)),
        core=_flag(where, raw, "core", False),
    )


def _check_unique(labels: list[Label], key: Any) -> None:
    owner: dict[str, str] = {}
    for label in labels:
        for name in [*label.names, *label.stems, *label.cased]:
            k = key(name)
            if k in owner and owner[k] != label.id:
                raise TaxonomyError(f"name {name!r} is given to both {owner[k]} and {label.id}")
            owner[k] = label.id


def parse_taxonomy(text: str, key: Any = str.lower) -> Taxonomy:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"not valid TOML: {exc}") from None
    _check_keys("taxonomy", raw, {"version", *KINDS, "relevance", "lists"})
    lists = _lists(raw.get("lists", {}))
    labels = [_label(kind, item, lists) for kind in KINDS for item in raw.get(kind, [])]
    seen: set[str] = set()
    for label in labels:
        if label.id in seen:
            raise TaxonomyError(f"label id {label.id!r} is defined twice")
        seen.add(label.id)
    _check_unique(labels, key)
    rel = raw.get("relevance", {})
    _check_keys("[relevance]", rel, RELEVANCE_KEYS)
    _check_actor_ids(labels, rel)
    return Taxonomy(
        version=str(raw.get("version", "0")),
        labels=tuple(labels),
        relevance_terms=_strings("[relevance].terms", rel.get("terms", [])),
        relevance_stems=_strings("[relevance].stems", rel.get("stems", [])),
        core_actors=_strings("[relevance].core_actors", rel.get("core_actors", [])),
        core_terms=_strings("[relevance].core_terms", rel.get("core_terms", [])),
        context_actors=_strings("[relevance].context_actors", rel.get("context_actors", [])),
    )


def _check_actor_ids(labels: list[Label], rel: dict[str, Any]) -> None:
    actors = {label.id for label in labels if label.kind == "actor"}
    for key in ("core_actors", "context_actors"):
        for actor in rel.get(key, []):
            if actor not in actors:
                raise TaxonomyError(f"[relevance].{key}: {actor!r} is not an actor of the taxonomy")


def parse_label_spec(text: str) -> dict[str, set[str]]:
    """The ids of label-spec.md: the proposal table's first column, the actor lists."""
    lines = text.splitlines()
    proposals = {line.split("|")[1].strip() for line in lines
                 if line.startswith("| ") and not line.startswith(("| id", "|---"))}  # fmt: skip
    listed = [line.split(":", 1)[1] for line in lines if line.startswith(("States and blocs:", "People:"))]
    return {"proposal": proposals, "actor": {a.strip(" .") for line in listed for a in line.split(",")}}


def check_against_spec(taxonomy: Taxonomy, spec: dict[str, set[str]], where: str) -> None:
    """Every id of the spec is defined, and no other: a typo in an id fails loudly."""
    for kind, ids in spec.items():
        defined = set(taxonomy.ids(kind))
        if extra := sorted(defined - ids):
            raise TaxonomyError(f"{kind} id {extra[0]!r} is not in {where}")
        if missing := sorted(ids - defined):
            raise TaxonomyError(f"{kind} id {missing[0]!r} of {where} has no entry in the taxonomy")


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TaxonomyError(f"cannot read {what} {path}: {exc.strerror}") from None


def load_taxonomy(path: Path, spec: Path | None = None) -> Taxonomy:
    """Parse and validate the taxonomy; with `spec`, also against the label spec's ids."""
    taxonomy = parse_taxonomy(_read(path, "taxonomy"))
    if spec is not None:
        check_against_spec(taxonomy, parse_label_spec(_read(spec, "label spec")), str(spec))
    return taxonomy
