"""Text fingerprints and duplicate decisions (pure).

* exact: SHA-256 of the normalised text (NFKC, case-folded, quotes, dashes and
  whitespace unified);
* near: MinHash (128 multiply-shift permutations) over word 3-shingles, LSH
  with 64 bands of 2 rows (the bands are stored in the warehouse, so candidates
  come from a join), confirmed by the estimated Jaccard or, for a copy that
  adds or drops paragraphs, by the estimated containment of the shorter text.

``decide`` is order-independent: the batch is processed oldest first (then by
id), so the earliest article of a story is its original whatever order the
batch arrives in.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

# Chosen with `make bench-dedup` (docs/benchmarks.md): word 3-shingles, 64 bands of 2 rows,
# Jaccard >= 0.35 or containment >= 0.8: precision 1.000, recall 0.967 on 1,432 labelled copies;
# 5-shingles with 32 x 4 bands and 0.5 found 1 % of copies with 15 % of words edited.
SHINGLE = 3
PERMUTATIONS = 128
BANDS = 64
ROWS = PERMUTATIONS // BANDS
WORD = re.compile(r"\w+")
FOLD = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "ʼ": "'", "“": '"', "”": '"',
                      "„": '"', "«": '"', "»": '"', "‐": "-", "‑": "-", "‒": "-", "–": "-",
                      "—": "-", "―": "-", "−": "-"})  # fmt: skip
_rng = np.random.default_rng(20251122)
_A = _rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)
# Same canonical URL but a different text (an updated version): still a copy when
# this much of the text is shared. Guards against sites whose canonical link is wrong.
URL_MIN_JACCARD = 0.3
EMPTY = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)


@dataclass(frozen=True)
class Fingerprint:
    text_hash: str
    signature: np.ndarray = field(repr=False, compare=False)  # uint32[PERMUTATIONS]
    shingles: int  # number of distinct shingles (for containment)
    buckets: tuple[int, ...]  # one LSH bucket per band


@dataclass(frozen=True)
class Candidate:
    """A document dedup compares against (stored or in the batch)."""

    article_id: str
    fingerprint: Fingerprint
    published_at: datetime | None = None
    duplicate_of: str | None = None
    canonical_key: str | None = None  # key of the page's own canonical URL


@dataclass(frozen=True)
class Decision:
    article_id: str
    duplicate_of: str | None
    method: str | None  # 'url' | 'exact' | 'near' | 'containment'
    similarity: float | None


def normalize(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):  # stored texts already are: skip the copy
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold().translate(FOLD)
    return " ".join(text.split())


def text_hash(text: str) -> str:
    return hashlib.sha256(normalize(text).encode()).hexdigest()[:32]


def shingle_hashes(normalized: str) -> np.ndarray:
    """Distinct 64-bit hashes of the word 5-shingles of a normalised text."""
    words = [zlib.crc32(w.encode()) for w in WORD.findall(normalized)]
    if not words:
        return np.zeros(0, dtype=np.uint64)
    toks = np.asarray(words, dtype=np.uint64)
    k = min(SHINGLE, len(toks))
    acc = np.zeros(len(toks) - k + 1, dtype=np.uint64)
    for j in range(k):
        acc = acc * _MIX + toks[j : len(toks) - k + 1 + j]
    return np.unique(acc)


def signature(hashes: np.ndarray) -> np.ndarray:
    if hashes.size == 0:
        return EMPTY.copy()
    mixed = (hashes[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return mixed.min(axis=0).astype(np.uint32)


def band_buckets(sig: np.ndarray) -> tuple[int, ...]:
    rows = sig.reshape(BANDS, ROWS)
    return tuple(
        int.from_bytes(hashlib.blake2b(r.tobytes(), digest_size=8).digest(), "little", signed=True)
        for r in rows
    )


def fingerprint(text: str) -> Fingerprint:
    norm = normalize(text)
    hashes = shingle_hashes(norm)
    sig = signature(hashes)
    digest = hashlib.sha256(norm.encode()).hexdigest()[:32]
    return Fingerprint(digest, sig, int(hashes.size), band_buckets(sig))


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    return float(np.mean(a.signature == b.signature))


def containment(a: Fingerprint, b: Fingerprint, j: float) -> float:
    """Estimated share of the smaller shingle set found in the larger one."""
    small = min(a.shingles, b.shingles)
    if small == 0:
        return 0.0
    common = j * (a.shingles + b.shingles) / (1.0 + j)
    return min(1.0, common / small)


def _order(c: Candidate) -> tuple[bool, datetime | str, str]:
    return (c.published_at is None, c.published_at or "", c.article_id)


@dataclass
class _Index:
    by_hash: dict[str, Candidate] = field(default_factory=dict)
    by_url: dict[str, Candidate] = field(default_factory=dict)
    by_bucket: dict[tuple[int, int], list[Candidate]] = field(default_factory=dict)

    def add(self, c: Candidate) -> None:
        self.by_hash.setdefault(c.fingerprint.text_hash, c)
        for key in {c.article_id, c.canonical_key} - {None}:
            self.by_url.setdefault(str(key), c)
        for band, bucket in enumerate(c.fingerprint.buckets):
            self.by_bucket.setdefault((band, bucket), []).append(c)

    def near(self, fp: Fingerprint) -> dict[str, Candidate]:
        found: dict[str, Candidate] = {}
        for band, bucket in enumerate(fp.buckets):
            for c in self.by_bucket.get((band, bucket), ()):
                found.setdefault(c.article_id, c)
        return found


def _best_near(
    fp: Fingerprint, found: Iterable[Candidate], near_t: float, contain_t: float
) -> tuple[Candidate, str, float] | None:
    best: tuple[Candidate, str, float] | None = None
    for c in sorted(found, key=_order):
        j = jaccard(fp, c.fingerprint)
        method, score = ("near", j) if j >= near_t else ("containment", containment(fp, c.fingerprint, j))
        if (method == "near" or score >= contain_t) and (best is None or score > best[2]):
            best = (c, method, score)
    return best


def _root(c: Candidate) -> str:
    return c.duplicate_of or c.article_id


def _same_url(c: Candidate, index: _Index) -> Candidate | None:
    other = index.by_url.get(c.canonical_key) if c.canonical_key else None
    if other is None or other.article_id == c.article_id:
        return None
    return other if jaccard(c.fingerprint, other.fingerprint) >= URL_MIN_JACCARD else None


def _decide_one(c: Candidate, index: _Index, near_t: float, contain_t: float) -> Decision:
    fp = c.fingerprint
    exact = index.by_hash.get(fp.text_hash)
    if exact is not None:
        return Decision(c.article_id, _root(exact), "exact", 1.0)
    same = _same_url(c, index)
    if same is not None:
        return Decision(c.article_id, _root(same), "url", round(jaccard(fp, same.fingerprint), 4))
    hit = _best_near(fp, index.near(fp).values(), near_t, contain_t)
    if hit is None:
        return Decision(c.article_id, None, None, None)
    return Decision(c.article_id, _root(hit[0]), hit[1], round(hit[2], 4))


def decide(
    batch: Sequence[Candidate],
    stored: Sequence[Candidate],
    near_threshold: float,
    containment_threshold: float,
) -> list[Decision]:
    """Duplicate decisions for the batch against what is stored and against itself."""
    index = _Index()
    for c in stored:
        index.add(c)
    decisions: list[Decision] = []
    for c in sorted(batch, key=_order):
        d = _decide_one(c, index, near_threshold, containment_threshold)
        decisions.append(d)
        index.add(Candidate(c.article_id, c.fingerprint, c.published_at, d.duplicate_of, c.canonical_key))
    return decisions
