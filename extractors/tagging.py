"""Taxonomy -> one compiled matcher -> labels with evidence, and relevance (pure).

Text and names are folded the same way, one character for one character so
offsets stay valid: quotes and dashes unified, diacritics dropped, whitespace
made a space. All names of all labels are compiled into a single trie-shaped
regular expression bounded by non-word characters on both sides, so a name
never matches inside a word ("advance" is not Vance, "European" is not the EU).
Chinese names are matched anywhere in a run of characters (no spaces between
words); Arabic ones also with their proclitics. In the inflecting languages a
second trie matches the words' lemmas (extractors/lemmas.py). A context rule's
window is a number of characters or one sentence. A learned decision per
proposal (extractors/labelmodel.py) can add candidates, when a model is given.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from extractors import lemmas
from extractors.dedup import FOLD
from extractors.labelmodel import Features, LabelModel
from extractors.language import detect_language
from extractors.taxonomy import SENTENCE, Label, Taxonomy

# The matching method (docs/labels.md, table of blind scorings): 1 = surface trie over folded text;
# 2 = and a second trie over the words' lemmas in the article's language (simplemma); from the "rules v2"
# scoring on (docs/labels.md) also sentence-scoped rules and the Chinese and Arabic forms.
TAGGER_VERSION = "2"
STEM_SUFFIX = 5
EXACT = "="  # a term marked "=word" is matched by its surface form only
SEPARATORS = " -"
WORD_END = re.compile(r"\w(?!\w)")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n")
# Sentence ends for rules scoped to a sentence: not after an initialism ("U.S. President").
SENTENCE_SPLIT = re.compile(r"(?<![A-Z]\.[A-Z]\.)(?<=[.!?…])\s+|\n")
EVIDENCE_MAX = 400
# One negotiation term per this many characters is the density of a sentence about the talks (a
# 150-400-character news sentence); an article needs several to count as dense (docs/labels.md).
DENSITY_CHARS = 400


def _fold_char(c: str) -> str:
    c = c.translate(FOLD)
    if c.isspace():
        return " "
    return unicodedata.normalize("NFD", c)[0]


class _FoldTable(dict[int, str]):
    """str.translate table filled on first sight of each character (C-speed afterwards)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Case-preserving, length-preserving fold of a text: one character for one."""
    return text.translate(_FOLD_TABLE)


def name_key(name: str) -> str:
    """The dictionary key of a name or of a matched span (case-folded)."""
    return " ".join(re.split(r"[\s\-]+", fold(name).lower().strip()))


CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ARABIC = re.compile(r"[\u0600-\u06ff]")
# Arabic writes "and", "with", "to", "so" (and "to the") onto the next word: "وروسيا", "لروسيا".
ARABIC_PROCLITICS = ("و", "ب", "ل", "ف", "وب", "ول")


def arabic_forms(term: str) -> list[str]:
    """A term, and for an Arabic one its forms with a proclitic ("ال..." also "لل...")."""
    if not ARABIC.match(term):
        return [term]
    forms = [term] + [p + term for p in ARABIC_PROCLITICS]
    if term.startswith("ال"):
        forms += ["لل" + term[2:], "ولل" + term[2:]]
    return forms


def _trie_regex(keys: list[str], stems: set[str]) -> str:
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node["$stem" if key in stems else "$"] = True
    return _node_regex(trie)


def _char(ch: str) -> str:
    return r"[\s\-]+" if ch == " " else re.escape(ch)


def _node_regex(node: dict) -> str:
    branches = [_char(ch) + _node_regex(child) for ch, child in sorted(node.items())
                if not ch.startswith("$")]  # fmt: skip
    suffix = rf"\w{{0,{STEM_SUFFIX}}}"
    if not branches:
        return suffix if "$stem" in node else ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "$stem" in node:
        return f"(?:{body}|{suffix})"
    return f"(?:{body})?" if "$" in node else body


@dataclass(frozen=True)
class Role:
    kind: str  # 'name' | 'near_a' | 'near_b' | 'unless' | 'relevance' | 'core'
    label: str | None = None
    rule: int = -1


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    roles: tuple[Role, ...]


@dataclass(frozen=True)
class LabelHit:
    kind: str
    label: str
    mentions: int
    first_offset: int
    evidence: str


@dataclass(frozen=True)
class Tags:
    labels: tuple[LabelHit, ...]
    relevance: float
    taxonomy_version: str


class Matcher:
    """All terms of a taxonomy in one regular expression."""

    def __init__(self, taxonomy: Taxonomy, model: LabelModel | None = None) -> None:
        self.taxonomy = taxonomy
        self.model = model  # a learned decision per proposal over the rules' evidence, if any
        self.roles: dict[str, set[Role]] = defaultdict(set)
        self.cased: dict[str, set[Role]] = defaultdict(set)
        # Stems have their own roles: a stem never turns another role's exact word into a stem.
        self.stems: dict[str, set[Role]] = defaultdict(set)
        self.exact: set[str] = set()
        self.written: dict[str, set[str]] = defaultdict(set)
        self.cjk: dict[str, set[Role]] = defaultdict(set)
        for label in taxonomy.labels:
            self._add_label(label)
        for term in taxonomy.relevance_terms:
            self._add_word(term, Role("relevance"))
        for stem in taxonomy.relevance_stems:
            self._add_stem(stem, Role("relevance"))
        for term in taxonomy.core_terms:
            self._add_term(term, Role("core"))
        self.regex = self._compile()
        self.cjk_regex = re.compile(f"(?=({_trie_regex(sorted(self.cjk), set())}))") if self.cjk else None
        self._lemma_index: dict[str, LemmaIndex] = {}

    def _add_label(self, label: Label) -> None:
        for name in label.names:
            self._add_word(name, Role("name", label.id))
        for stem in label.stems:
            self._add_stem(stem, Role("name", label.id))
        for name in label.cased:
            self.cased[" ".join(fold(name).split())].add(Role("name", label.id))
        for i, rule in enumerate(label.near):
            for term in rule.a:
                self._add_term(term, Role("near_a", label.id, i))
            for term in rule.b:
                self._add_term(term, Role("near_b", label.id, i))
        for term in label.unless:
            self._add_term(term, Role("unless", label.id))

    def _add_term(self, term: str, role: Role) -> None:
        """A context word; "word*" is a stem: the word plus up to STEM_SUFFIX letters (inflections)."""
        if term.endswith("*"):
            self._add_stem(term[:-1], role)
        else:
            self._add_word(term, role)

    def _add_word(self, term: str, role: Role) -> None:
        """An exact term; "=word" is matched by its surface form only, never by its lemma ("=elections":
        the plural is the vote in Ukraine, the lemma "election" is any election year)."""
        word = term.removeprefix(EXACT)
        if word != term:
            self.exact.add(name_key(word))
        if CJK.search(word):  # no spaces between words: found anywhere in a run of characters
            self.cjk[name_key(word)].add(role)
            return
        for form in arabic_forms(word):
            self.roles[name_key(form)].add(role)
        self.written[name_key(word)].add(word)  # lemmatised as written (diacritics are a word's letters)

    def _add_stem(self, stem: str, role: Role) -> None:
        self.stems[name_key(stem)].add(role)

    def _compile(self) -> re.Pattern[str]:
        uncased = _trie_regex(sorted(set(self.roles) | set(self.stems)), set(self.stems))
        cased = _trie_regex(sorted(self.cased), set())
        body = f"(?i:{uncased})" + (f"|{cased}" if self.cased else "")
        # A zero-width match at every word start: the longest name starting there is
        # group 1; shorter names inside it are found by _prefixes (overlaps count).
        return re.compile(rf"(?<!\w)(?=((?:{body}))(?!\w))")

    def _lookup(self, span: str) -> set[Role]:
        found = set(self.cased.get(" ".join(span.split()), ()))
        key = name_key(span)
        found |= self.roles.get(key, set())
        # Every stem the word extends counts, each with its own roles ("abandonn*" of one label
        # does not hide "abandon*" of another).
        for cut in range(0, STEM_SUFFIX + 1):
            found |= self.stems.get(key[: len(key) - cut] if cut else key, set())
        return found

    def lemma_index(self, language: str) -> LemmaIndex:
        """The terms as lemma sequences in one language, compiled on first use (then cached)."""
        if language not in self._lemma_index:
            terms = {w: self.roles[k] for k, ws in self.written.items() if k not in self.exact for w in ws}
            self._lemma_index[language] = LemmaIndex.build(terms, language)
        return self._lemma_index[language]

    def hits(self, text: str, language: str | None = None) -> list[Hit]:
        """Every term found by its surface form, and (in a language simplemma has) by its lemmas."""
        out = self._surface_hits(text)
        if lemmas.supported(language):
            assert language is not None
            out += self.lemma_index(language).hits(text)
        return out

    def _cjk_hits(self, folded: str) -> list[Hit]:
        """Chinese and Japanese names, found at any character (each prefix of a match counts too)."""
        if self.cjk_regex is None or not CJK.search(folded):
            return []
        out = []
        for m in self.cjk_regex.finditer(folded):
            span = m.group(1)
            for end in range(1, len(span) + 1):
                if roles := self.cjk.get(span[:end]):
                    out.append(Hit(m.start(), m.start() + end, tuple(sorted(roles, key=repr))))
        return out

    def _surface_hits(self, text: str) -> list[Hit]:
        folded = fold(text)
        out = self._cjk_hits(folded)
        for m in self.regex.finditer(folded):
            span = m.group(1)
            # Every word end inside the longest name, and its own end (a name may end in '.': 'EE.UU.').
            for end in sorted({e.end() for e in WORD_END.finditer(span)} | {len(span)}):
                roles = self._lookup(span[:end])
                if roles:
                    out.append(Hit(m.start(), m.start() + end, tuple(sorted(roles, key=repr))))
        return out


class LemmaIndex:
    """The exact (non-stem, uncased) terms of a taxonomy as lemma sequences of one language, in one trie
    matched over the text's lemmas: "гарантій безпеки" finds the term "гарантії безпеки" (both are
    "гарантія безпека"). Stems and case-sensitive names stay surface-only (they are already inflection
    patterns, or acronyms a lemmatiser would lower-case)."""

    def __init__(self, lemmatiser: lemmas.Lemmatiser, roles: dict[str, set[Role]]) -> None:
        self.lemmatiser = lemmatiser
        self.roles = roles
        body = _trie_regex(sorted(roles), set())
        self.regex = re.compile(rf"(?<!\S)(?=((?:{body}))(?!\S))") if roles else None

    @classmethod
    def build(cls, terms: dict[str, set[Role]], language: str) -> LemmaIndex:
        """From each term as written (with its diacritics) and its roles."""
        lemmatiser = lemmas.Lemmatiser(language, fold)
        roles: dict[str, set[Role]] = defaultdict(set)
        for term, found in terms.items():
            if lemma := lemmatiser.key(term):
                roles[lemma] |= found
        return cls(lemmatiser, dict(roles))

    def hits(self, text: str) -> list[Hit]:
        if self.regex is None:
            return []
        spans, words = self.lemmatiser.words(text)
        line = " ".join(words)
        out, first, at = [], 0, 0
        for m in self.regex.finditer(line):
            first, at, span = first + line.count(" ", at, m.start()), m.start(), m.group(1)
            ends = [i for i, c in enumerate(span) if c == " "] + [len(span)]
            for n, end in enumerate(ends):
                if found := self.roles.get(span[:end]):
                    out.append(Hit(spans[first][0], spans[first + n][1], tuple(sorted(found, key=repr))))
        return out


def evidence(text: str, offset: int) -> str:
    start = max((m.end() for m in SENTENCE_END.finditer(text, 0, offset)), default=0)
    end_m = SENTENCE_END.search(text, offset)
    end = end_m.start() if end_m else len(text)
    sentence = text[start:end].strip()
    return sentence if len(sentence) <= EVIDENCE_MAX else sentence[: EVIDENCE_MAX - 1] + "…"


def _by_role(hits: list[Hit]) -> dict[Role, list[Hit]]:
    """Hits indexed by role, in text order: each label looks only at its own."""
    index: dict[Role, list[Hit]] = defaultdict(list)
    for h in hits:
        for role in h.roles:
            index[role].append(h)
    return index


class Found:
    """A text's hits by role, and its sentences (for rules scoped to a sentence)."""

    def __init__(self, text: str, hits: list[Hit]) -> None:
        self.index = _by_role(hits)
        self.text = text
        self._starts: list[int] | None = None

    def get(self, role: Role) -> list[Hit]:
        return self.index.get(role, [])

    def __contains__(self, role: Role) -> bool:
        return role in self.index

    def sentence(self, offset: int) -> int:
        """The number of the sentence an offset is in."""
        if self._starts is None:
            self._starts = [m.end() for m in SENTENCE_SPLIT.finditer(self.text)]
        return bisect.bisect_right(self._starts, offset)

    def near(self, x: int, y: int, window: int) -> bool:
        """Within `window` characters, or, for a window of SENTENCE, in the same sentence."""
        return self.sentence(x) == self.sentence(y) if window == SENTENCE else abs(x - y) <= window


def _near_hits(found: Found, label: Label, core_ok: bool, blockable: bool) -> list[int]:
    out = []
    for i, rule in enumerate(label.near):
        if (rule.core and not core_ok) or rule.blockable is not blockable:
            continue
        a = [h.start for h in found.get(Role("near_a", label.id, i))]
        b = [h.start for h in found.get(Role("near_b", label.id, i))]
        out += [x for x in a if any(found.near(x, y, rule.window) for y in b)]
    return out


def _spans(hits: list[Hit]) -> list[tuple[int, int]]:
    """Spans of hits; overlapping or adjacent ones ("the Ukrainian president
    Volodymyr Zelensky") are merged: one mention, however many names."""
    out: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: (h.start, -h.end)):
        if out and h.start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], h.end))
        else:
            out.append((h.start, h.end))
    return out


def _label_offsets(found: Found, label: Label, core_ok: bool = True) -> list[int]:
    offsets = [s for s, _ in _spans(found.get(Role("name", label.id)))]
    offsets += _near_hits(found, label, core_ok, blockable=True)
    blockers = [h.start for h in found.get(Role("unless", label.id))]
    kept = [o for o in offsets if not any(found.near(o, b, label.unless_window) for b in blockers)]
    return sorted(set(kept + _near_hits(found, label, core_ok, blockable=False)))


def _offsets(found: Found, label: Label, in_war: bool) -> list[int]:
    """A label marked core counts only in a text about the war, its names included."""
    return [] if label.core and not in_war else _label_offsets(found, label, in_war)


def density(negotiation_terms: int, chars: int) -> float:
    """Negotiation terms per DENSITY_CHARS of text: a sentence about the talks scores 1, a long
    article with one passing "ceasefire" near 0."""
    return negotiation_terms * DENSITY_CHARS / max(chars, DENSITY_CHARS)


def relevance(proposals: int, negotiation_terms: int, dense: float, core: bool) -> float:
    """1 - exp(-(0.8 P + 0.25 N + 0.5 min(1, D))), damped x0.3 when the text is not about the war
    (docs/labels.md)."""
    x = 0.8 * proposals + 0.25 * negotiation_terms + 0.5 * min(1.0, dense)
    score = 1.0 - math.exp(-x)
    return round(score if core else 0.3 * score, 4)


def _hit(text: str, label: Label, offsets: list[int]) -> LabelHit:
    return LabelHit(label.kind, label.id, len(offsets), offsets[0], evidence(text, offsets[0]))


def features(found: Found, labels: dict[str, list[int]], in_war: bool, taxonomy: Taxonomy) -> Features:
    """The language-independent evidence a learned decision reads (extractors/labelmodel.py)."""
    out: Features = {"war": float(in_war), "terms": math.log1p(len(found.get(Role("relevance"))))}
    for role, hits in found.index.items():
        out[f"r:{role.kind}:{role.label}:{role.rule}"] = math.log1p(len(hits))
    out |= {f"L:{label}": 1.0 for label, offsets in labels.items() if offsets}
    for label in taxonomy.labels:
        for i in range(len(label.near)):
            a = {found.sentence(h.start) for h in found.get(Role("near_a", label.id, i))}
            b = {found.sentence(h.start) for h in found.get(Role("near_b", label.id, i))}
            if a and b:
                out[f"t:{label.id}:{i}"] = 1.0  # both lists in the text
            if a & b:
                out[f"s:{label.id}:{i}"] = 1.0  # ... and in one sentence
    return out


def candidates(found: Found, taxonomy: Taxonomy, in_war: bool) -> set[str]:
    """The proposals a learned decision may add: a rule of theirs has words of both its lists in the text
    (a rule marked core, and a label marked core, only in a text about the war). Elsewhere the rules'
    decision stands: a model does not invent a proposal from a text's general shape."""
    out = set()
    for label in taxonomy.labels:
        if label.kind != "proposal" or (label.core and not in_war):
            continue
        for i, rule in enumerate(label.near):
            a, b = Role("near_a", label.id, i), Role("near_b", label.id, i)
            if (in_war or not rule.core) and a in found and b in found:
                out.add(label.id)
                break
    return out


def _first_evidence(found: Found, label: str) -> list[int]:
    """Offsets for a proposal only the model found: where its rules' words are."""
    return sorted({h.start for role, hits in found.index.items() if role.label == label for h in hits})


def _decide(
    matcher: Matcher, found: Found, labels: dict[str, list[int]], in_war: bool
) -> dict[str, list[int]]:
    """The learned decision per proposal, where the matcher has a model: it adds a candidate proposal whose
    probability reaches its threshold; what the rules found stays."""
    model = matcher.model
    if model is None:
        return labels
    p = model.decide(features(found, labels, in_war, matcher.taxonomy))
    allowed = candidates(found, matcher.taxonomy, in_war)
    out = dict(labels)
    for label, prob in p.items():
        if label in allowed and prob >= model.labels[label].threshold:
            out[label] = labels.get(label) or _first_evidence(found, label)
    return out


@dataclass(frozen=True)
class RuleResult:
    """What the rules found in a text, before any learned decision."""

    index: Found
    offsets: dict[str, list[int]]  # label id -> offsets of its mentions
    in_war: bool
    core_mentions: int

    def features(self, taxonomy: Taxonomy) -> Features:
        return features(self.index, self.offsets, self.in_war, taxonomy)

    def candidates(self, taxonomy: Taxonomy) -> set[str]:
        return candidates(self.index, taxonomy, self.in_war)


def rules(matcher: Matcher, text: str, language: str | None = None) -> RuleResult:
    index = Found(text, matcher.hits(text, language or detect_language(text)))
    labels = matcher.taxonomy.labels
    actors = {label.id: _label_offsets(index, label) for label in labels if label.kind == "actor"}
    core_mentions = sum(len(actors.get(a, ())) for a in matcher.taxonomy.core_actors)
    context = any(actors.get(a) for a in matcher.taxonomy.context_actors)
    in_war = core_mentions > 0 or context or Role("core") in index
    # Broad concept rules ("forces" near "deploy", marked core) and core labels count only in a text about
    # the war (a core actor or a negotiator named, "Ukrainian", a place of the war): in a Hong Kong or Sudan
    # story they are another conflict's words.
    found = {label.id: actors.get(label.id) or _offsets(index, label, in_war) for label in labels}
    return RuleResult(index, found, in_war, core_mentions)


def tag(matcher: Matcher, text: str, language: str | None = None) -> Tags:
    """Labels and relevance of a text; `language` (ISO 639-1, detected when missing) picks the lemmatiser."""
    result = rules(matcher, text, language)
    index, in_war, core_mentions = result.index, result.in_war, result.core_mentions
    labels = matcher.taxonomy.labels
    found = _decide(matcher, index, result.offsets, in_war)
    out = [_hit(text, label, found[label.id]) for label in labels if found[label.id]]
    n_terms = len(_spans(index.get(Role("relevance"))))
    proposals = sum(1 for h in out if h.kind == "proposal")
    # About the war when a core actor is named twice, or, in a text about the war (as above), when a proposal
    # is found or negotiation words are as dense as in a sentence about the talks: a single "Russia" in a
    # Middle East peace story is not enough.
    dense = density(n_terms, len(text))
    core = core_mentions >= 2 or (in_war and (proposals > 0 or dense >= 1.0))
    score = relevance(proposals, n_terms, dense, core)
    return Tags(tuple(out), score, matcher.taxonomy.version)
