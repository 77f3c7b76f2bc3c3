from __future__ import annotations

import numpy as np

from extractors.dedup import (
    BAND_SHIFT,
    BANDS,
    PERMUTATIONS,
    band_keys,
    containment,
    fingerprint,
    jaccard,
    normalize,
    text_hash,
)
from tests.conftest import CORPUS


def test_normalisation_unifies_case_quotes_dashes_space() -> None:
    assert normalize("Zelensky’s  “plan” — OK") == normalize('zelensky\'s "plan" - ok')
    assert text_hash("A  b\nC") == text_hash("a b c")


def test_equal_rows_in_different_bands_give_different_keys() -> None:
    """The band is folded into the key, so one key column can hold every band."""
    keys = band_keys(np.full(PERMUTATIONS, 7, dtype=np.uint32))  # every band's rows alike
    assert len(set(keys)) == BANDS
    assert len({k ^ (band << BAND_SHIFT) for band, k in enumerate(keys)}) == 1
    assert all(-(2**31) <= k < 2**31 for k in keys)


def test_empty_text_has_a_fingerprint_that_matches_nothing_by_chance() -> None:
    fp = fingerprint("")
    assert fp.shingles == 0 and fp.signature.dtype == np.uint32
    # Against real texts: no signature value in common, no shared LSH key, no containment.
    for path in sorted(CORPUS.glob("*.txt")):
        other = fingerprint(path.read_text(encoding="utf-8"))
        assert jaccard(fp, other) == 0.0 and not set(fp.keys) & set(other.keys)
        assert containment(fp, other, jaccard(fp, other)) == 0.0 == containment(other, fp, 0.0)
    assert fingerprint("   \n\t ") == fp  # blank is empty: the same fingerprint, not a random one
