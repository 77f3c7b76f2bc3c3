"""Story signatures and the relation between two articles, across languages (pure).

A **signature** is computed once per article on the hot path (``signature``): the article's
*anchors* in text order — actor and label ids from the tagger's ``Matcher`` name hits (the same
id for "Віткофф", "Уиткофф" and "Witkoff"), numbers ("19 points", "30 days", "314"), and other
proper nouns, transliterated to Latin and cut to a 5-letter prefix — and its *stems* (content words
of 4+ letters, folded, transliterated, cut to 6 letters: a crude lemma, language by language).

``relate(a, b, stats)`` decides one of six relations, first match wins:

* ``copy``: today's copy test (``extractors.dedup``: estimated Jaccard or containment);
* ``update`` / ``rewrite`` (same language, same or another host): an order-preserving alignment
  of the two stem sequences, IDF-weighted, is long enough in absolute weight and as a share of
  the shorter text;
* ``translation`` (different languages): the IDF-weighted Jaccard of the anchor sets is high and
  carries enough weight;
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

import math
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

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


@dataclass(frozen=True)
class Signature:
    """What relate() needs of one article, computed once."""

    language: str
    anchors: tuple[str, ...]  # 'a:<label id>' | 'n:<digits>' | 'p:<translit prefix>', in text order
    stems: tuple[str, ...]  # content-word prefixes, in text order
    fingerprint: Fingerprint | None = field(default=None, compare=False)
    published: datetime | None = None
    host: str | None = None


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
    """Thresholds, chosen on the dev split of bench/corpus/stories.jsonl (docs/benchmarks.md)."""

    near: float = 0.35  # copy: estimated Jaccard (today's near-duplicate bar)
    contain: float = 0.8  # copy: containment of the shorter text
    rewrite_share: float = 0.30  # aligned stem weight / the shorter text's stem weight
    rewrite_mass: float = 100.0  # aligned stem weight (IDF units)
    translation_jaccard: float = 0.30  # weighted Jaccard of the anchor sets
    translation_mass: float = 6.0  # shared anchor weight (IDF units)
    translation_order: float = 0.6  # anchors aligned in order / the shorter text's anchor weight
    event_jaccard: float = 0.08  # anchors shared like two reports of one event
    window_days: float = 3.0  # published further apart than this: never the same item or event


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
        terms = {*sig.anchors, *(_stem_term(sig.language, s) for s in sig.stems)}
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
    spans = _name_spans(hits)
    found = [(s, "a:" + label) for s, _, label in spans]
    for m in TOKEN.finditer(text):
        anchor = _token_anchor(text, m, spans)
        if anchor:
            found.append((m.start(), anchor))
    found.sort()
    return tuple(a for _, a in found)


def stems(text: str) -> tuple[str, ...]:
    return tuple(translit(w)[:STEM_PREFIX] for w in CONTENT_WORD.findall(text))


def signature(text: str, language: str, hits: Sequence[Hit], *, fingerprint: Fingerprint | None = None,
              published: datetime | None = None, host: str | None = None) -> Signature:  # fmt: skip
    """An article's signature; ``hits`` are the tagger's ``Matcher.hits(text)``."""
    return Signature(language, anchors(text, hits), stems(text), fingerprint, published, host)


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


def _version(a: Signature, b: Signature, s: dict[str, float], rules: Rules) -> Relation | None:
    if a.language == b.language:
        if s["stem_aligned"] >= rules.rewrite_mass and s["stem_share"] >= rules.rewrite_share:
            kind = "update" if a.host is not None and a.host == b.host else "rewrite"
            return Relation(kind, s["stem_share"], rules.rewrite_share, s)
        return None
    if (s["anchor_shared"] >= rules.translation_mass and s["anchor_jaccard"] >= rules.translation_jaccard
            and s["anchor_order"] >= rules.translation_order):  # fmt: skip
        return Relation("translation", s["anchor_jaccard"], rules.translation_jaccard, s)
    return None


def relate(a: Signature, b: Signature, stats: TermStats, rules: Rules | None = None) -> Relation:
    """The relation of two articles, with the signals behind it (for ``peacewire dedup why``)."""
    rules = rules or Rules()
    days = _days_apart(a, b)
    copy = _copy(a, b, rules)
    if copy is not None:
        return copy
    s = anchor_signals(a, b, stats)
    if a.language == b.language:
        s |= stem_signals(a, b, stats)
    if days is not None:
        s["days_apart"] = days
    s = {k: round(v, 4) for k, v in s.items()}
    if days is not None and days > rules.window_days:
        return Relation("unrelated", days, rules.window_days, s)
    version = _version(a, b, s, rules)
    if version is not None:
        return version
    if s["anchor_jaccard"] >= rules.event_jaccard:
        return Relation("same_event", s["anchor_jaccard"], rules.event_jaccard, s)
    return Relation("unrelated", s["anchor_jaccard"], rules.event_jaccard, s)
