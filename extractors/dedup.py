"""Text fingerprints and duplicate decisions (pure).

* exact: SHA-256 of the normalised text (NFKC, case-folded, quotes, dashes and
  whitespace unified);
* near: MinHash (128 multiply-shift permutations) over word 3-shingles, LSH
  with 64 bands of 2 rows (the bands are stored in the warehouse, so candidates
  come from a join), confirmed by the estimated Jaccard or, for a copy that
  adds or drops paragraphs, by the estimated containment of the shorter text.

The decisions themselves (with their audit trail and overrides) are in
``extractors.linking``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass, field

import numpy as np

# Chosen with `make bench-dedup` (docs/benchmarks.md): word 3-shingles, 64 bands of 2 rows,
# Jaccard >= 0.35 or containment >= 0.8: precision 1.000, recall 0.967 on 1,432 labelled copies;
# 5-shingles with 32 x 4 bands and 0.5 found 1 % of copies with 15 % of words edited.
SHINGLE = 3
PERMUTATIONS = 128
BANDS = 64
ROWS = PERMUTATIONS // BANDS
BAND_SHIFT = 25  # 64 bands fit in bits 25-30 of a 32-bit key, the sign bit is left alone
WORD = re.compile(r"\w+")
FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "ʼ": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)
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
    keys: tuple[int, ...]  # one 32-bit LSH key per band (the band number folded in)


def normalize(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):  # stored texts already are: skip the copy
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold().translate(FOLD)
    return " ".join(text.split())


def text_hash(text: str) -> str:
    return hashlib.sha256(normalize(text).encode()).hexdigest()[:32]


def shingle_hashes(normalized: str) -> np.ndarray:
    """Distinct 64-bit hashes of the word SHINGLE-shingles of a normalised text."""
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
    lowest: np.ndarray = mixed.min(axis=0).astype(np.uint32)
    return lowest


def _low32(h: int) -> int:
    low = h & 0xFFFFFFFF
    return low - (1 << 32) if low >= 1 << 31 else low


def band_keys(sig: np.ndarray) -> tuple[int, ...]:
    """One signed 32-bit key per band: a hash of the band's rows, the band number XOR-ed into bits 25-30.

    Folding the band in makes the index one INTEGER column, so a lookup is a one-column join that
    reads 4 bytes of key a row. Two different bands colliding on 32 bits only adds a false candidate,
    which the signature comparison rejects.
    """
    rows = sig.reshape(BANDS, ROWS)
    return tuple(
        _low32(int.from_bytes(hashlib.blake2b(r.tobytes(), digest_size=8).digest(), "little", signed=True))
        ^ (band << BAND_SHIFT)
        for band, r in enumerate(rows)
    )


def fingerprint(text: str) -> Fingerprint:
    norm = normalize(text)
    hashes = shingle_hashes(norm)
    sig = signature(hashes)
    digest = hashlib.sha256(norm.encode()).hexdigest()[:32]
    return Fingerprint(digest, sig, int(hashes.size), band_keys(sig))


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    return float(np.mean(a.signature == b.signature))


def containment(a: Fingerprint, b: Fingerprint, j: float) -> float:
    """Estimated share of the smaller shingle set found in the larger one."""
    small = min(a.shingles, b.shingles)
    if small == 0:
        return 0.0
    common = j * (a.shingles + b.shingles) / (1.0 + j)
    return min(1.0, common / small)
