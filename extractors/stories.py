"""Story signatures and the relation between two articles, across languages (pure).

A **signature** is computed once per article on the hot path (``signature``): the article's
*anchors* in text order — actor and label ids from the tagger's ``Matcher`` name hits (the same
id for "Віткофф", "Уиткофф" and "Witkoff"), numbers ("19 points", "30 days", "314"), and other
proper nouns, transliterated to Latin and cut to a 5-letter prefix — and its *stems* (content words
of 4+ letters, folded, transliterated, cut to 6 letters: a crude lemma, language by language; or
simplemma lemmas with ``lemmas=True``, not used by the shipped rules). Both again outside quotations
(``quote_spans``: what independent reports of one statement share is the statement), the *lead*'s
(the first LEAD_WORDS content words of the first paragraph line), and the outlets the text names as
the source it re-tells (``sources``: "citing Reuters", "з посиланням на Інтерфакс-Україна").

``relate(a, b, stats)`` decides one of six relations, first match wins:

* ``copy``: today's copy test (``extractors.dedup``: estimated Jaccard or containment);
* ``update`` / ``rewrite`` (same language, same or another host) and ``translation`` (different
  languages): the pair's **margin** (``margin``) reaches the rule's bar. The margin is the weakest
  of its signals over its bar — same language: the IDF-weighted order-preserving alignment of the
  stems outside quotations, as a share of the shorter text and in absolute weight; across
  languages: the weighted Jaccard, shared weight and order of the anchors — times
  ``Rules.source_boost`` when both name the same outlet as their source. The bars are a
  precision-first operating point chosen on dev (a missed version rather than a false merge);
* ``same_event``: anchors overlap as independent reports of one event do (never merged);
* ``unrelated``.

IDF comes from ``TermStats``: document frequencies over hashed buckets of a fixed size, so its
memory does not grow with the warehouse (phase 2 keeps it as a table, refreshed per run, and a
run uses one snapshot, so decisions are order-independent within a batch). ``index_keys`` are the
rarest anchors and stems of an article, as 32-bit keys for an index table joined in SQL like the
LSH bands of ``extractors.dedup``. Measured with ``make bench-stories`` (docs/benchmarks.md); the
choices and what was rejected are in docs/decisions.md.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from extractors.dedup import Fingerprint, containment, jaccard
from extractors.tagging import Hit, fold

KINDS = ("copy", "translation", "rewrite", "update", "same_event", "unrelated")
SAME_ITEM = frozenset({"copy", "translation", "rewrite", "update"})
BUCKETS = 1 << 18  # document-frequency buckets of TermStats (1 MiB of int32, whatever the warehouse's size)
IDF_MEMO = 1 << 20  # terms whose IDF is remembered between two add() calls
MAX_KEY_DF = 1000  # a key's list never holds more articles than this, however large the warehouse
PROPER_PREFIX = 5
STEM_PREFIX = 6
STEM_MIN = 4
TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|[^\W\d_]+", re.UNICODE)
CONTENT_WORD = re.compile(rf"[^\W\d_]{{{STEM_MIN},}}", re.UNICODE)
SENTENCE_START = re.compile(r"(?:^|[.!?…:\n\"«“„(]\s*)$")
_CYRILLIC = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщъыьэюяё",
                     ["a", "b", "v", "g", "g", "d", "e", "e", "zh", "z", "i", "i", "i", "i", "k", "l", "m",
                      "n", "o", "p", "r", "s", "t", "u", "f", "h", "ts", "ch", "sh", "sch", "", "y", "", "e",
                      "yu", "ya", "e"], strict=True))  # fmt: skip
_TRANSLIT = str.maketrans({ord(k): v for k, v in _CYRILLIC.items()})
WORD = re.compile(r"\w+")
# Quotations: «…», “…”, „…“ / „…”, "…", ‚…‘, ‘…’; none spans a paragraph (an unclosed mark swallows nothing).
QUOTE = re.compile(r"«[^«»\n]*»|„[^„“”\n]*[“”]|“[^“”\n]*”|(?<!\w)\"[^\"\n]*\"(?!\w)|‚[^‚‘’\n]*‘"
                   r"|(?<!\w)‘[^‘’\n]*’(?!\w)")  # fmt: skip
QUOTE_MIN_WORDS = 4
LEAD_LINE_WORDS = 8
LEAD_WORDS = 30
LEMMA_LANGUAGES = frozenset({"uk", "ru", "pl", "de"})
LEMMA_CACHE = 1 << 16  # words whose lemma is remembered (bounded)
_UPPER = "".join(c for c in map(chr, range(0x530)) if c.isupper())  # Latin, Greek, Cyrillic capitals
# What introduces the outlet a text re-tells, in the corpus's languages (case-insensitive).
_CUES = (
    "according to", "told", "citing", "cited by", "reported by", "reports", "reported", "writes", "wrote",
    "via", "interview with", "quoted by", "source:",
    "з посиланням на", "посилаючись на", "повідомляє", "повідомляють", "повідомило", "повідомила", "пише",
    "пишуть", "передає", "передають", "за даними", "за інформацією", "інформує", "інтерв'ю", "інтерв’ю",
    "коментарі", "цитує",
    "со ссылкой на", "ссылаясь на", "сообщает", "сообщают", "сообщило", "сообщила", "пишет", "пишут",
    "передает", "передаёт", "по данным", "по информации", "интервью", "цитирует", "уточняет",
    "berichtet", "berichtete", "berichten", "laut", "unter berufung auf", "meldet", "meldete",
    "interview mit", "gegenüber", "selon", "rapporte", "rapporté par", "cité par", "citée par", "d'après",
    "d’après", "entretien", "según", "informó", "informa", "citado por", "citada por", "de acuerdo con",
    "entrevista con",
    "secondo", "riferisce", "riporta", "citato da", "citata da", "scrive", "intervista", "według", "podaje",
    "podał", "podała", "informuje", "powołując się na", "cytowany przez", "wywiadzie dla", "potrivit",
    "citat de", "transmite", "relatează", "conform", "segundo", "de acordo com", "informou", "предаде",
    "съобщи", "според",
)  # fmt: skip


def _trie(words: Iterable[str]) -> str:
    """One regular expression for many words, shaped as their trie (re tries alternatives one by one)."""
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_node(root)


def _trie_node(node: dict[str, dict]) -> str:
    branches = [re.escape(ch) + _trie_node(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return f"(?:{body})?"
    return body


CUE = re.compile(r"(?<!\w)" + _trie(_CUES) + r"(?!\w)")  # on lower-cased text
# After a cue: up to two lower-case words ("агентство", "корреспондент"), an opening mark, a capitalised name.
CUED_NAME = re.compile(
    r"(?:\s+[^\W\d_]+){0,2}?\s+[«\"“„]?(?!(?:The|Le|La|Les|Il|El|Der|Die|Das|An?)\s)"
    r"(?P<name>[" + _UPPER + r"][\w.-]*)"
)
# A wire's credit line: "(Bloomberg) –", "(AP) —", "By REUTERS".
BYLINE = re.compile(r"\((?P<name>[^\W\d_][\w.-]*)\)\s*[-–—]|(?<!\w)By (?P<upper>[A-Z]{2,}\b)")
OUTLETS = {
    "reuters": ("reute", "roite", "reyte", "royte"), "ap": ("ap", "assoc", "assos"), "afp": ("afp", "frans"),
    "bloomberg": ("bloom", "blumb"), "axios": ("axios", "aksio"), "politico": ("polit",), "tass": ("tass",),
    "interfax": ("inter",), "ria": ("ria",), "rbc": ("rbk", "rbc"), "cnn": ("cnn",), "bbc": ("bbc", "bi-bi"),
    "dpa": ("dpa",), "ansa": ("ansa",), "efe": ("efe",), "anadolu": ("anado",), "ukrinform": ("ukrin",),
    "unian": ("unian",), "unn": ("unn",), "hromadske": ("groma", "hroma"), "suspilne": ("suspi",),
    "wsj": ("wall", "uoll", "wsj"), "ft": ("finan", "ft"), "guardian": ("guard", "gardi"),
    "kommersant": ("komme",), "izvestia": ("izves",), "lenta": ("lenta",), "fox": ("fox",), "cbs": ("cbs",),
    "nbc": ("nbc",), "abc": ("abc",), "nyt": ("nyt",), "wp": ("wp", "washi"), "sky": ("sky",),
    "zn": ("zn", "dzerk"), "evropeiska": ("evrop",), "liga": ("liga",), "censor": ("tsenz", "censo"),
}  # fmt: skip
OUTLET_ALIASES = {alias: outlet for outlet, aliases in OUTLETS.items() for alias in aliases}
# Where a statement was made, or "the media": never an outlet re-told.
PLATFORMS = frozenset({"truth", "x", "teleg", "faceb", "insta", "twitt", "tvitt", "youtu", "tik", "zmi",
                       "smi", "media", "medie", "whats"})  # fmt: skip


@dataclass(frozen=True)
class Signature:
    """What relate() needs of one article, computed once."""

    language: str
    anchors: tuple[str, ...]  # 'a:<label id>' | 'n:<digits>' | 'p:<translit prefix>', in text order
    stems: tuple[str, ...]  # content-word prefixes, in text order
    fingerprint: Fingerprint | None = field(default=None, compare=False)
    published: datetime | None = None
    host: str | None = None
    prose_anchors: tuple[str, ...] = ()  # anchors outside quotations (quote_spans)
    prose_stems: tuple[str, ...] = ()  # stems outside quotations
    plain_stems: tuple[str, ...] = ()  # stems of lower-case words outside quotations (no names)
    lead_anchors: tuple[str, ...] = ()  # anchors of the lead (the first LEAD_WORDS content words)
    lead_stems: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # 'src:<outlet>' the text names as its source (sources())


@dataclass(frozen=True)
class Relation:
    kind: str  # one of KINDS
    score: float  # the signal the decision followed
    threshold: float  # the bar it had to clear (or, for 'unrelated', the bar of same_event it missed)
    signals: dict[str, float] = field(default_factory=dict)

    @property
    def same_item(self) -> bool:
        return self.kind in SAME_ITEM


@dataclass(frozen=True)
class Rules:
    """Thresholds, chosen on the dev split of bench/corpus/stories.jsonl (docs/benchmarks.md).

    A pair that is not a copy gets a **margin**: the smallest of its signals, each divided by its bar
    (same language: aligned stem share and mass; across languages: anchor Jaccard, shared anchor weight,
    anchor order), times ``source_boost`` when both name the same outlet as their source. It is the same
    item when the margin reaches ``same_margin`` / ``cross_margin``. With ``prose`` the signals are taken
    outside quotations; with ``lead`` the same-language share is the smaller of the stem share and the
    lead's (``lead_share`` scaled to ``lead_bar``). ``Rules.v1()`` is the first method.
    """

    near: float = 0.35  # copy: estimated Jaccard (today's near-duplicate bar)
    contain: float = 0.8  # copy: containment of the shorter text
    rewrite_share: float = 0.30  # aligned stem weight / the shorter text's stem weight
    rewrite_mass: float = 100.0  # aligned stem weight (IDF units)
    translation_jaccard: float = 0.30  # weighted Jaccard of the anchor sets
    translation_mass: float = 6.0  # shared anchor weight (IDF units)
    translation_order: float = 0.6  # anchors aligned in order / the shorter text's anchor weight
    event_jaccard: float = 0.08  # anchors shared like two reports of one event
    window_days: float = 3.0  # published further apart than this: never the same item or event
    prose: bool = True  # the rewrite / translation signals outside quotations (quote_spans)
    plain: bool = False  # with prose: the same-language signals on lower-case words only (no names)
    source_boost: float = 1.4  # margin factor when both texts name one outlet as their source
    lead: bool = False  # the same-language share also needs the lead kept in order
    lead_bar: float = 0.5
    # The precision-first operating point: the highest dev recall at precision >= 0.97 (bench --sweep).
    same_margin: float = 1.257
    cross_margin: float = 1.111

    @classmethod
    def v1(cls) -> Rules:
        """The first method (stories-v1): all words, no sources, no lead, margins of 1."""
        return cls(prose=False, plain=False, source_boost=1.0, lead=False, same_margin=1.0, cross_margin=1.0)


class TermStats:
    """Document frequencies of anchors and stems, in BUCKETS hashed buckets (fixed memory)."""

    def __init__(self, docs: int = 0, df: np.ndarray | None = None) -> None:
        self.docs = docs
        self.df = np.zeros(BUCKETS, dtype=np.int32) if df is None else df
        self._idf: dict[str, float] = {}  # memo, emptied by add()

    @staticmethod
    def bucket(term: str) -> int:
        return zlib.crc32(term.encode()) & (BUCKETS - 1)

    def add(self, sig: Signature) -> None:
        terms = {*sig.anchors, *sig.sources, *(_stem_term(sig.language, s) for s in sig.stems)}
        self.df[[self.bucket(t) for t in terms]] += 1
        self.docs += 1
        self._idf.clear()

    def idf(self, term: str) -> float:
        found = self._idf.get(term)
        if found is None:
            if len(self._idf) >= IDF_MEMO:
                self._idf.clear()
            found = self._idf[term] = math.log((self.docs + 1) / (int(self.df[self.bucket(term)]) + 1))
        return found

    @classmethod
    def of(cls, sigs: Iterable[Signature]) -> TermStats:
        stats = cls()
        for s in sigs:
            stats.add(s)
        return stats


def _stem_term(language: str, stem: str) -> str:
    """A stem's DF key: per language ('rada' in Ukrainian is not 'rada' in Polish)."""
    return f"s:{language}:{stem}"


def translit(word: str) -> str:
    """Folded (diacritics off), lower-cased, Cyrillic in Latin letters."""
    return fold(word).lower().translate(_TRANSLIT)


def _name_spans(hits: Sequence[Hit]) -> list[tuple[int, int, str]]:
    """The longest name hit at each place, one label id each; names inside a longer one are dropped
    ("президента США" is Trump, not also the US)."""
    out: list[tuple[int, int, str]] = []
    for h in sorted(hits, key=lambda h: (h.start, -h.end)):
        labels = sorted(r.label for r in h.roles if r.kind == "name" and r.label)
        if labels and not (out and h.start < out[-1][1]):
            out.append((h.start, h.end, labels[0]))
    return out


def _beside_name(start: int, end: int, spans: list[tuple[int, int, str]]) -> bool:
    """A capitalised word touching a name hit is part of it ("Стів Віткофф", "Donald Trump")."""
    return any(s <= start < e or end + 1 == s or start - 1 == e for s, e, _ in spans)


def _token_anchor(text: str, m: re.Match[str], spans: list[tuple[int, int, str]]) -> str | None:
    word = m.group()
    if word[0].isdigit():
        return "n:" + re.sub(r"\D", "", word)
    if not word[0].isupper() or len(word) < 3 or _beside_name(m.start(), m.end(), spans):
        return None
    if SENTENCE_START.search(text, max(0, m.start() - 3), m.start()):
        return None  # a sentence's first word is capitalised whatever it is
    return "p:" + translit(word)[:PROPER_PREFIX]


def anchors(text: str, hits: Sequence[Hit]) -> tuple[str, ...]:
    """Names (label ids), numbers and other proper nouns, in text order."""
    return tuple(a for _, a in _anchor_positions(text, hits))


def _anchor_positions(text: str, hits: Sequence[Hit]) -> list[tuple[int, str]]:
    spans = _name_spans(hits)
    found = [(s, "a:" + label) for s, _, label in spans]
    for m in TOKEN.finditer(text):
        anchor = _token_anchor(text, m, spans)
        if anchor:
            found.append((m.start(), anchor))
    found.sort()
    return found


def stems(text: str) -> tuple[str, ...]:
    return tuple(translit(w)[:STEM_PREFIX] for w in CONTENT_WORD.findall(text))


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Quotations of QUOTE_MIN_WORDS words or more, inside one paragraph: what independent reports of
    one statement share. Shorter quoted spans (outlet names, titles, "COMMON SENSE") stay prose."""
    return [m.span() for m in QUOTE.finditer(text) if len(WORD.findall(m.group())) >= QUOTE_MIN_WORDS]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def lead_start(text: str) -> int:
    """Where the lead begins: the first line of LEAD_LINE_WORDS words or more (not a headline, menu or
    credit line)."""
    pos = 0
    for line in text.split("\n"):
        if len(WORD.findall(line)) >= LEAD_LINE_WORDS:
            return pos
        pos += len(line) + 1
    return 0


def _word_stem(word: str, language: str, lemmas: bool) -> str:
    if lemmas and language in LEMMA_LANGUAGES:
        return translit(_lemma(word, language))[:STEM_PREFIX]
    return translit(word)[:STEM_PREFIX]


@functools.lru_cache(maxsize=LEMMA_CACHE)
def _lemma(word: str, language: str) -> str:
    return str(_lemmatizer().lemmatize(word, language))


@functools.cache
def _lemmatizer() -> Any:
    """simplemma's lemmatizer (pinned 2.0.0), made on first use; its dictionaries load once per process."""
    import simplemma

    return simplemma.Lemmatizer(cache_max_size=0)  # _lemma's own cache is the one that can be cleared


def clear_lemma_cache() -> None:
    """Forget remembered lemmas (a benchmark pass then pays for each)."""
    _lemma.cache_clear()


def _cued_names(text: str) -> Iterator[re.Match[str]]:
    low = text.lower()
    if len(low) != len(text):  # a capital whose lower case is longer ("İ"): offsets would move
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for cue in CUE.finditer(low):
        m = CUED_NAME.match(text, cue.end())
        if m:
            yield m


def sources(text: str, hits: Sequence[Hit]) -> tuple[str, ...]:
    """The outlets a text names as its source ("citing Reuters", "з посиланням на «Інтерфакс-Україна»",
    "сообщает ТАСС", "told Politico"): known agencies by their aliases in any script, else the
    transliterated prefix of the proper noun after the cue. People and institutions the tagger knows
    (Witkoff, the Kremlin) and platforms (Truth Social, X, Telegram) are not sources: independent reports
    of one statement all cite them."""
    return tuple(sorted(_cued_sources(text, _name_spans(hits)) | _byline_sources(text)))


def _cued_sources(text: str, spans: list[tuple[int, int, str]]) -> set[str]:
    found = set()
    for m in _cued_names(text):
        name = m.group("name")
        if any(s <= m.start("name") < e for s, e, _ in spans):
            continue  # a person or institution the tagger knows
        key = translit(name)[:PROPER_PREFIX].rstrip(".-")
        if len(key) < 2 or key in PLATFORMS:
            continue
        outlet = OUTLET_ALIASES.get(key) or OUTLET_ALIASES.get(_first_part(name))
        found.add(f"src:{outlet}" if outlet else f"srcp:{key}")
    return found


def _byline_sources(text: str) -> set[str]:
    found = set()
    for m in BYLINE.finditer(text):
        outlet = OUTLET_ALIASES.get(translit(m.group("name") or m.group("upper"))[:PROPER_PREFIX])
        if outlet:
            found.add(f"src:{outlet}")
    return found


def _first_part(name: str) -> str:
    """'РБК-Україна' -> 'rbk', 'Zn.ua' -> 'zn': an outlet's alias is its name's first part."""
    return re.split(r"[-.]", translit(name))[0][:PROPER_PREFIX]


def _words(text: str, language: str, lemmas: bool) -> list[tuple[int, str]]:
    """Stems (or lemmas) of the content words with their offsets."""
    return [(m.start(), _word_stem(m.group(), language, lemmas)) for m in CONTENT_WORD.finditer(text)]


def signature(text: str, language: str, hits: Sequence[Hit], *, fingerprint: Fingerprint | None = None,
              published: datetime | None = None, host: str | None = None,
              lemmas: bool = False) -> Signature:  # fmt: skip
    """An article's signature; ``hits`` are the tagger's ``Matcher.hits(text)``."""
    found, words = _anchor_positions(text, hits), _words(text, language, lemmas)
    quoted = quote_spans(text)
    prose = [(p, w) for p, w in words if not _inside(p, quoted)]
    start = lead_start(text)
    lead = [(p, w) for p, w in words if p >= start][:LEAD_WORDS]
    lead_end = lead[-1][0] + 1 if lead else start
    return Signature(
        language, tuple(a for _, a in found), tuple(w for _, w in words), fingerprint, published, host,
        prose_anchors=tuple(a for p, a in found if not _inside(p, quoted)),
        prose_stems=tuple(w for _, w in prose),
        plain_stems=tuple(w for p, w in prose if text[p].islower()),
        lead_anchors=tuple(a for p, a in found if start <= p < lead_end),
        lead_stems=tuple(w for _, w in lead),
        sources=sources(text, hits),
    )  # fmt: skip


def _key(term: str) -> int:
    h = zlib.crc32(term.encode())
    return h - (1 << 32) if h >= 1 << 31 else h


def index_keys(sig: Signature, stats: TermStats, singles: int = 8, paired: int = 5,
               max_df: int | None = None) -> tuple[int, ...]:  # fmt: skip
    """Signed 32-bit keys for the index table: the article's rarest anchors (any language) and stems
    (its own language), each in at most ``max_df`` documents (default: 5 % of the warehouse, at most
    MAX_KEY_DF), and every pair of its ``paired`` rarest anchors whatever their frequency ("Dmitriev"
    and "28-point plan" are both common in coverage of the talks; together they are not).

    Every key's list stays short, so a lookup is a one-column join, as for the LSH bands of
    extractors.dedup. Candidates are the articles sharing a key.
    """
    cap = max_df if max_df is not None else max(2, min(MAX_KEY_DF, stats.docs // 20))

    def rarest(terms: Iterable[str], n: int, capped: bool = True) -> list[str]:
        kept = {t for t in terms if not capped or stats.df[stats.bucket(t)] <= cap}
        return sorted(kept, key=lambda t: (-stats.idf(t), t))[:n]

    top = sorted(rarest(sig.anchors, paired, capped=False))
    chosen = [f"{x}|{y}" for i, x in enumerate(top) for y in top[i + 1 :]]
    chosen += rarest(sig.anchors, singles) + rarest((_stem_term(sig.language, s) for s in sig.stems), singles)
    return tuple(sorted({_key(t) for t in chosen}))


def aligned_weight(a: Sequence[str], b: Sequence[str], weights: dict[str, float]) -> float:
    """Weighted longest common subsequence: the heaviest run of shared terms in the same order.

    Match pairs, then a longest increasing subsequence over b's positions with a Fenwick tree of
    prefix maxima: O(r log n) for r matching pairs, not O(len(a) * len(b)).
    """
    where: dict[str, list[int]] = {}
    for j, t in enumerate(b):
        if t in weights:
            where.setdefault(t, []).append(j)
    tree = [0.0] * (len(b) + 1)
    best = 0.0
    for t in a:
        for j in reversed(where.get(t, ())):
            value = _prefix_max(tree, j) + weights[t]
            _raise(tree, j + 1, value)
            best = max(best, value)
    return best


def _prefix_max(tree: list[float], j: int) -> float:
    out = 0.0
    while j > 0:
        out = max(out, tree[j])
        j -= j & -j
    return out


def _raise(tree: list[float], j: int, value: float) -> None:
    while j < len(tree):
        if tree[j] < value:
            tree[j] = value
        j += j & -j


def _weights(terms: Iterable[str], stats: TermStats, key: str = "") -> dict[str, float]:
    return {t: stats.idf(key + t) for t in set(terms)}


def anchor_signals(a: Signature, b: Signature, stats: TermStats) -> dict[str, float]:
    w = _weights((*a.anchors, *b.anchors), stats)
    sa, sb = set(a.anchors), set(b.anchors)
    shared = sum(w[t] for t in sa & sb)
    union = sum(w[t] for t in sa | sb)
    ordered = aligned_weight(a.anchors, b.anchors, w)
    shorter = min(sum(w[t] for t in a.anchors), sum(w[t] for t in b.anchors))
    return {"anchor_jaccard": _ratio(shared, union), "anchor_shared": shared,
            "anchor_order": _ratio(ordered, shorter)}  # fmt: skip


def stem_signals(a: Signature, b: Signature, stats: TermStats) -> dict[str, float]:
    w = _weights((*a.stems, *b.stems), stats, f"s:{a.language}:")
    aligned = aligned_weight(a.stems, b.stems, w)
    shorter = min(sum(w[t] for t in a.stems), sum(w[t] for t in b.stems))
    return {"stem_aligned": aligned, "stem_share": _ratio(aligned, shorter)}


def prose_signals(a: Signature, b: Signature, stats: TermStats) -> dict[str, float]:
    """The rewrite and translation signals outside quotations: independent reports of one statement
    quote the same words; a rewrite or translation also keeps the prose around them."""
    out: dict[str, float] = {}
    if a.language == b.language:
        w = _weights((*a.prose_stems, *b.prose_stems), stats, f"s:{a.language}:")
        aligned = aligned_weight(a.prose_stems, b.prose_stems, w)
        shorter = min(sum(w[t] for t in a.prose_stems), sum(w[t] for t in b.prose_stems))
        out |= {"prose_aligned": aligned, "prose_share": _ratio(aligned, shorter)}
        aligned = aligned_weight(a.plain_stems, b.plain_stems, w)
        shorter = min(sum(w[t] for t in a.plain_stems), sum(w[t] for t in b.plain_stems))
        out |= {"plain_aligned": aligned, "plain_share": _ratio(aligned, shorter)}
    w = _weights((*a.prose_anchors, *b.prose_anchors), stats)
    sa, sb = set(a.prose_anchors), set(b.prose_anchors)
    ordered = aligned_weight(a.prose_anchors, b.prose_anchors, w)
    shorter = min(sum(w[t] for t in a.prose_anchors), sum(w[t] for t in b.prose_anchors))
    return out | {"prose_anchor_jaccard": _ratio(sum(w[t] for t in sa & sb), sum(w[t] for t in sa | sb)),
                  "prose_anchor_order": _ratio(ordered, shorter)}  # fmt: skip


def _lead_share(lead: Sequence[str], other: Sequence[str], w: dict[str, float]) -> float:
    return _ratio(aligned_weight(lead, other, w), sum(w[t] for t in lead))


def lead_signals(a: Signature, b: Signature, stats: TermStats) -> dict[str, float]:
    """How much of either text's lead the other keeps, in order (the larger of the two): a re-telling
    keeps its item's lead (who, what, when, the attribution); an independent report writes its own."""
    out: dict[str, float] = {}
    if a.language == b.language:
        w = _weights((*a.stems, *b.stems), stats, f"s:{a.language}:")
        out["lead_share"] = max(_lead_share(a.lead_stems, b.stems, w), _lead_share(b.lead_stems, a.stems, w))
    w = _weights((*a.anchors, *b.anchors), stats)
    out["lead_anchor_share"] = max(
        _lead_share(a.lead_anchors, b.anchors, w), _lead_share(b.lead_anchors, a.anchors, w)
    )
    return out


def source_signals(a: Signature, b: Signature, stats: TermStats) -> dict[str, float]:
    """Outlets both name as their source (IDF-weighted), and whether both name some and none is shared."""
    known_a = {s for s in a.sources if s.startswith("src:")}
    known_b = {s for s in b.sources if s.startswith("src:")}
    shared = known_a & known_b
    raw = set(a.sources) & set(b.sources)
    return {"source_shared": sum(stats.idf(s) for s in shared) if shared else 0.0,
            "source_raw_shared": float(len(raw)),
            "source_conflict": float(bool(known_a and known_b and not shared))}  # fmt: skip


def _ratio(x: float, y: float) -> float:
    return x / y if y > 0 else 0.0


def _days_apart(a: Signature, b: Signature) -> float | None:
    if a.published is None or b.published is None:
        return None
    return abs((a.published - b.published).total_seconds()) / 86400


def _copy(a: Signature, b: Signature, rules: Rules) -> Relation | None:
    if a.fingerprint is None or b.fingerprint is None or a.language != b.language:
        return None
    j = jaccard(a.fingerprint, b.fingerprint)
    if j >= rules.near:
        return Relation("copy", round(j, 4), rules.near, {"jaccard": round(j, 4)})
    share = containment(a.fingerprint, b.fingerprint, j)
    if share >= rules.contain:
        return Relation(
            "copy", round(share, 4), rules.contain, {"jaccard": round(j, 4), "containment": share}
        )
    return None


def margin(s: dict[str, float], same_language: bool, rules: Rules) -> float:
    """How far a pair's signals clear the bars of a version (>= the rule's margin: the same item)."""
    pre = "prose_" if rules.prose else ""
    if same_language:
        words = ("plain_" if rules.plain else "prose_") if rules.prose else "stem_"
        share = s[words + "share"]
        if rules.lead:
            share = min(share, s["lead_share"] * rules.rewrite_share / rules.lead_bar)
        value = min(share / rules.rewrite_share, s[words + "aligned"] / rules.rewrite_mass)
    else:
        value = min(s[pre + "anchor_jaccard"] / rules.translation_jaccard,
                    s["anchor_shared"] / rules.translation_mass,
                    s[pre + "anchor_order"] / rules.translation_order)  # fmt: skip
    return value * (rules.source_boost if s.get("source_shared", 0.0) > 0 else 1.0)


def signals(a: Signature, b: Signature, stats: TermStats, rules: Rules) -> dict[str, float]:
    """Every signal relate() may use, rounded (what ``peacewire dedup why`` shows)."""
    s = anchor_signals(a, b, stats)
    if a.language == b.language:
        s |= stem_signals(a, b, stats)
        if rules.lead:
            s |= lead_signals(a, b, stats)
    if rules.prose:
        s |= prose_signals(a, b, stats)
    if rules.source_boost != 1.0:
        s |= source_signals(a, b, stats)
    days = _days_apart(a, b)
    if days is not None:
        s["days_apart"] = days
    return {k: round(v, 4) for k, v in s.items()}


def _version(a: Signature, b: Signature, s: dict[str, float], rules: Rules) -> Relation | None:
    same = a.language == b.language
    bar = rules.same_margin if same else rules.cross_margin
    if s["margin"] < bar:
        return None
    if not same:
        return Relation("translation", s["margin"], bar, s)
    kind = "update" if a.host is not None and a.host == b.host else "rewrite"
    return Relation(kind, s["margin"], bar, s)


def relate(a: Signature, b: Signature, stats: TermStats, rules: Rules | None = None) -> Relation:
    """The relation of two articles, with the signals behind it (for ``peacewire dedup why``)."""
    rules = rules or Rules()
    copy = _copy(a, b, rules)
    if copy is not None:
        return copy
    s = signals(a, b, stats, rules)
    days = s.get("days_apart")
    if days is not None and days > rules.window_days:
        return Relation("unrelated", days, rules.window_days, s)
    s["margin"] = round(margin(s, a.language == b.language, rules), 4)
    version = _version(a, b, s, rules)
    if version is not None:
        return version
    if s["anchor_jaccard"] >= rules.event_jaccard:
        return Relation("same_event", s["anchor_jaccard"], rules.event_jaccard, s)
    return Relation("unrelated", s["anchor_jaccard"], rules.event_jaccard, s)
