from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import permutations

from extractors.corpus import parse_seed
from extractors.dedup import Candidate, decide, fingerprint, jaccard, normalize, text_hash
from tests.conftest import CORPUS

SEEDS = {p.stem: parse_seed(p.read_text()).text for p in sorted(CORPUS.glob("*.txt"))}


def cand(key: str, text: str, day: int = 1) -> Candidate:
    return Candidate(key, fingerprint(text), datetime(2026, 1, day, tzinfo=UTC))


def test_normalisation_unifies_case_quotes_dashes_space() -> None:
    assert normalize("Zelensky’s  “plan” — OK") == normalize('zelensky\'s "plan" - ok')
    assert text_hash("A  b\nC") == text_hash("a b c")


def test_exact_copy_is_exact_duplicate() -> None:
    text = SEEDS["000_6a9ea2563cee9e0e"]
    out = decide([cand("copy", text.upper(), 2)], [cand("orig", text)], 0.5, 0.8)
    assert (out[0].duplicate_of, out[0].method, out[0].similarity) == ("orig", "exact", 1.0)


def test_edited_copy_is_near_duplicate() -> None:
    words = SEEDS["001_b88dda9725e6f7e2"].split()
    rng = random.Random(1)
    for i in rng.sample(range(len(words)), len(words) // 20):  # 5 % of words replaced
        words[i] = "edited"
    out = decide([cand("copy", "New headline\n" + " ".join(words), 2)],
                 [cand("orig", SEEDS["001_b88dda9725e6f7e2"])], 0.5, 0.8)  # fmt: skip
    assert out[0].duplicate_of == "orig" and out[0].method == "near"


def test_topic_neighbours_are_not_duplicates() -> None:
    """The five seeds share the topic and its vocabulary; none is a copy of another."""
    fps = {k: fingerprint(v) for k, v in SEEDS.items()}
    for a, b in permutations(fps, 2):
        assert jaccard(fps[a], fps[b]) < 0.1
    out = decide([cand(k, v) for k, v in SEEDS.items()], [], 0.5, 0.8)
    assert all(d.duplicate_of is None for d in out)


def test_batch_order_does_not_change_decisions() -> None:
    base = SEEDS["003_93d7f405470a9551"]
    batch = [cand("orig", base, 1), cand("copy1", base + "\nRepublished with permission.", 3),
             cand("copy2", "Analysis\n" + base, 2), cand("other", SEEDS["004_a917bd5c1d015acc"], 1)]  # fmt: skip
    expected = None
    for order in permutations(batch):
        got = sorted((d.article_id, d.duplicate_of) for d in decide(list(order), [], 0.5, 0.8))
        expected = expected or got
        assert got == expected
    assert dict(expected) == {"orig": None, "copy1": "orig", "copy2": "orig", "other": None}


def test_copy_of_a_copy_links_to_the_original() -> None:
    base = SEEDS["002_7555e2088863e2c3"]
    stored = [cand("orig", base, 1), Candidate("copy1", fingerprint(base + " x"), None, "orig")]
    out = decide([cand("copy2", base + " x y", 5)], stored, 0.5, 0.8)
    assert out[0].duplicate_of == "orig"


def test_same_canonical_url_links_an_updated_version() -> None:
    base = SEEDS["000_6a9ea2563cee9e0e"]
    paras = base.split("\n")
    updated = "\n".join([*paras[: len(paras) // 2], "Update: talks resumed on Friday.", *paras[-2:]])
    stored = [Candidate("orig", fingerprint(base), None, None, "key-1")]
    same = decide(
        [Candidate("upd", fingerprint(updated), None, None, "key-1")], stored, 0.9, 1.01
    )  # near and containment rules off
    other = decide(
        [Candidate("upd", fingerprint(updated), None, None, "key-2")], stored, 0.9, 1.01
    )  # near and containment rules off
    assert (same[0].duplicate_of, same[0].method) == ("orig", "url")
    assert other[0].duplicate_of is None


def test_wrong_canonical_link_does_not_merge_different_texts() -> None:
    stored = [Candidate("a", fingerprint(SEEDS["000_6a9ea2563cee9e0e"]), None, None, "home")]
    out = decide(
        [Candidate("b", fingerprint(SEEDS["001_b88dda9725e6f7e2"]), None, None, "home")], stored, 0.5, 0.8
    )
    assert out[0].duplicate_of is None
