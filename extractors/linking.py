"""Duplicate decisions, with the comparisons behind them (pure).

Levels, in order: the same normalised text (``exact``), the same canonical URL
with enough shared text (``url``), then LSH candidates confirmed by estimated
Jaccard (``near``) or, for a copy that adds or drops paragraphs or a teaser,
by the containment of the shorter text (``containment``). A user's override
comes first: a pair marked distinct is never merged, a forced link is kept.

``decide`` is order-independent: the batch is processed oldest first (then by
id), so the earliest article of a story is its original whatever order the
batch arrives in; and a new article published before the stored original it
copies supersedes it (``Decision.supersedes``: that original and its copies are
relinked to the new one when the batch is loaded). Every decision carries the pairs it compared (the audit
trail stored in ``dedup_decisions``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from extractors.dedup import URL_MIN_JACCARD, Fingerprint, containment, jaccard
from extractors.outcome import Outcome
from extractors.urls import InvalidURL, url_key

if TYPE_CHECKING:  # extractors.model holds Decision in its Processed: at run time only attributes are read
    from extractors.model import Processed

AUDIT_PAIRS = 5  # near candidates kept in the trail per article, best first
SEED_PREFIX = "seed:"  # the seed corpus's article ids: the reference originals


@dataclass(frozen=True)
class Candidate:
    """A document dedup compares against (stored or in the batch)."""

    article_id: str
    fingerprint: Fingerprint
    published_at: datetime | None = None
    duplicate_of: str | None = None
    canonical_key: str | None = None  # key of the page's own canonical URL


@dataclass(frozen=True)
class Pair:
    """One comparison: the candidate, how it was compared, the score and the bar it had to clear."""

    candidate_id: str
    method: str  # exact | url | near | containment | override
    score: float
    threshold: float
    accepted: bool


@dataclass(frozen=True)
class Decision:
    article_id: str
    duplicate_of: str | None
    method: str | None  # 'url' | 'exact' | 'near' | 'containment' | 'override'
    similarity: float | None
    pairs: tuple[Pair, ...] = ()
    # A stored original this article was published before: it (and its copies) now copy this one,
    # by `method` with `similarity`.
    supersedes: str | None = None


@dataclass(frozen=True)
class Overrides:
    """A user's corrections: pairs never to merge, and links to keep whatever the scores say."""

    distinct: frozenset[frozenset[str]] = frozenset()
    merged: Mapping[str, str] = field(default_factory=dict)  # article -> the article it copies

    def blocks(self, a: str, b: Candidate) -> bool:
        return any(frozenset((a, other)) in self.distinct for other in {b.article_id, _root(b)})


@dataclass(frozen=True)
class Rules:
    near: float  # estimated Jaccard at or above which two texts are copies
    contain: float  # share of the shorter text found in the longer one
    overrides: Overrides = field(default_factory=Overrides)


def _order(c: Candidate) -> tuple[bool, datetime | str, str]:
    return (c.published_at is None, c.published_at or "", c.article_id)


def _root(c: Candidate) -> str:
    return c.duplicate_of or c.article_id


@dataclass
class _Index:
    by_hash: dict[str, list[Candidate]] = field(default_factory=dict)
    by_url: dict[str, list[Candidate]] = field(default_factory=dict)
    by_key: dict[int, list[Candidate]] = field(default_factory=dict)
    published: dict[str, datetime | None] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)  # superseded original -> the new one

    def root(self, c: Candidate) -> str:
        found = _root(c)
        return self.moved.get(found, found)

    def add(self, c: Candidate) -> None:
        self.published.setdefault(c.article_id, c.published_at)
        self.by_hash.setdefault(c.fingerprint.text_hash, []).append(c)
        for url in {c.article_id, c.canonical_key} - {None}:
            self.by_url.setdefault(str(url), []).append(c)
        for key in c.fingerprint.keys:
            self.by_key.setdefault(key, []).append(c)

    def near(self, fp: Fingerprint) -> list[Candidate]:
        found: dict[str, Candidate] = {}
        for key in fp.keys:
            for c in self.by_key.get(key, ()):
                found.setdefault(c.article_id, c)
        return sorted(found.values(), key=_order)


def _usable(c: Candidate, found: Sequence[Candidate], rules: Rules, index: _Index) -> list[Candidate]:
    """Candidates that may be linked: not the article itself, nor its own copies, nor a pair a user split."""
    return [
        o
        for o in found
        if c.article_id not in (o.article_id, index.root(o)) and not rules.overrides.blocks(c.article_id, o)
    ]


def _exact(c: Candidate, index: _Index, rules: Rules) -> Decision | None:
    same = _usable(c, index.by_hash.get(c.fingerprint.text_hash, []), rules, index)
    if not same:
        return None
    pair = Pair(same[0].article_id, "exact", 1.0, 1.0, True)
    return Decision(c.article_id, index.root(same[0]), "exact", 1.0, (pair,))


def _same_url(c: Candidate, index: _Index, rules: Rules) -> Decision | None:
    found = _usable(c, index.by_url.get(c.canonical_key, []), rules, index) if c.canonical_key else []
    if not found:
        return None
    j = round(jaccard(c.fingerprint, found[0].fingerprint), 4)
    pair = Pair(found[0].article_id, "url", j, URL_MIN_JACCARD, j >= URL_MIN_JACCARD)
    if not pair.accepted:
        return Decision(c.article_id, None, None, None, (pair,))
    return Decision(c.article_id, index.root(found[0]), "url", j, (pair,))


def _score(fp: Fingerprint, other: Candidate, rules: Rules) -> Pair:
    j = jaccard(fp, other.fingerprint)
    if j >= rules.near:
        return Pair(other.article_id, "near", round(j, 4), rules.near, True)
    share = round(containment(fp, other.fingerprint, j), 4)
    return Pair(other.article_id, "containment", share, rules.contain, share >= rules.contain)


def _near(c: Candidate, index: _Index, rules: Rules, before: tuple[Pair, ...]) -> Decision:
    found = _usable(c, index.near(c.fingerprint), rules, index)
    scored = sorted(
        ((_score(c.fingerprint, o, rules), o) for o in found), key=lambda p: (not p[0].accepted, -p[0].score)
    )
    best = next(((p, o) for p, o in scored if p.accepted), None)
    # Only the pair the decision followed is marked accepted in the trail.
    kept = tuple(replace(p, accepted=best is not None and p is best[0]) for p, _ in scored[:AUDIT_PAIRS])
    pairs = before + kept
    if best is None:
        return Decision(c.article_id, None, None, None, pairs)
    return Decision(c.article_id, index.root(best[1]), best[0].method, best[0].score, pairs)


def _decide_one(c: Candidate, index: _Index, rules: Rules) -> Decision:
    forced = rules.overrides.merged.get(c.article_id)
    if forced is not None:
        return Decision(c.article_id, forced, "override", 1.0, (Pair(forced, "override", 1.0, 1.0, True),))
    exact = _exact(c, index, rules)
    if exact is not None:
        return exact
    url = _same_url(c, index, rules)
    if url is not None and url.duplicate_of is not None:
        return url
    return _near(c, index, rules, url.pairs if url else ())


def _earliest(c: Candidate, d: Decision, index: _Index) -> Decision:
    """The earliest published is the original: a copy published before the stored original it matched
    takes its place (the seed corpus, the reference, and a user's forced link excepted)."""
    root = d.duplicate_of
    if root is None or d.method == "override" or root.startswith(SEED_PREFIX):
        return d
    when = index.published.get(root)
    if c.published_at is None or when is None or c.published_at >= when:
        return d
    index.moved[root] = c.article_id
    return replace(d, duplicate_of=None, supersedes=root)


def decide(batch: Sequence[Candidate], stored: Sequence[Candidate], rules: Rules) -> list[Decision]:
    """Duplicate decisions for the batch against what is stored and against itself."""
    index = _Index()
    for c in stored:
        index.add(c)
    decisions: list[Decision] = []
    for c in sorted(batch, key=_order):
        d = _earliest(c, _decide_one(c, index, rules), index)
        decisions.append(d)
        index.add(Candidate(c.article_id, c.fingerprint, c.published_at, d.duplicate_of, c.canonical_key))
    return decisions


def canonical_key(d: Processed) -> str | None:
    """The key of the URL the page names as its canonical one (none when it names none, or a bad one)."""
    url = d.article.canonical_url if d.article else None
    try:
        return url_key(url) if url else None
    except InvalidURL:
        return None


def batch_candidates(docs: Sequence[Processed]) -> list[Candidate]:
    """The batch's extracted articles as candidates (the rest of the batch has nothing to compare)."""
    return [
        Candidate(d.item.key, d.fingerprint, d.article.published_at, None, canonical_key(d))
        for d in docs
        if d.outcome == Outcome.OK and d.fingerprint is not None and d.article is not None
    ]


def decide_batch(
    docs: Sequence[Processed], stored: Sequence[Candidate], rules: Rules, exclude_batch: bool = False
) -> list[Processed]:
    """Every document with its decision: whether it copies a stored article or one of the batch.

    exclude_batch: the batch's own stored rows are being rebuilt (reextract) and are not candidates.
    """
    batch = batch_candidates(docs)
    if exclude_batch:
        ids = {c.article_id for c in batch}
        stored = [c for c in stored if c.article_id not in ids and c.duplicate_of not in ids]
    decisions = {d.article_id: d for d in decide(batch, stored, rules)}
    return [replace(d, decision=decisions.get(d.item.key)) for d in docs]


def merge_problem(article_id: str, original: str) -> str | None:
    """Why a user's merge cannot be made, or None."""
    return "an article cannot copy itself" if article_id == original else None
