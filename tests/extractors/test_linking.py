from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import permutations

from extractors.corpus import parse_seed
from extractors.dedup import fingerprint, jaccard
from extractors.linking import Candidate, Overrides, Rules, decide
from tests.conftest import CORPUS

SEEDS = {p.stem: parse_seed(p.read_text()).text for p in sorted(CORPUS.glob("*.txt"))}


def cand(key: str, text: str, day: int = 1) -> Candidate:
    return Candidate(key, fingerprint(text), datetime(2026, 1, day, tzinfo=UTC))


def test_exact_copy_is_exact_duplicate() -> None:
    text = SEEDS["000_6a9ea2563cee9e0e"]
    out = decide([cand("copy", text.upper(), 2)], [cand("orig", text)], Rules(0.5, 0.8))
    assert (out[0].duplicate_of, out[0].method, out[0].similarity) == ("orig", "exact", 1.0)


def test_edited_copy_is_near_duplicate() -> None:
    words = SEEDS["001_b88dda9725e6f7e2"].split()
    rng = random.Random(1)
    for i in rng.sample(range(len(words)), len(words) // 20):  # 5 % of words replaced
        words[i] = "edited"
    out = decide([cand("copy", "New headline\n" + " ".join(words), 2)],
                 [cand("orig", SEEDS["001_b88dda9725e6f7e2"])], Rules(0.5, 0.8))  # fmt: skip
    assert out[0].duplicate_of == "orig" and out[0].method == "near"


def test_topic_neighbours_are_not_duplicates() -> None:
    """The five seeds share the topic and its vocabulary; none is a copy of another."""
    fps = {k: fingerprint(v) for k, v in SEEDS.items()}
    for a, b in permutations(fps, 2):
        assert jaccard(fps[a], fps[b]) < 0.1
    out = decide([cand(k, v) for k, v in SEEDS.items()], [], Rules(0.5, 0.8))
    assert all(d.duplicate_of is None for d in out)


def test_batch_order_does_not_change_decisions() -> None:
    base = SEEDS["003_93d7f405470a9551"]
    batch = [cand("orig", base, 1), cand("copy1", base + "\nRepublished with permission.", 3),
             cand("copy2", "Analysis\n" + base, 2), cand("other", SEEDS["004_a917bd5c1d015acc"], 1)]  # fmt: skip
    expected = None
    for order in permutations(batch):
        got = sorted((d.article_id, d.duplicate_of) for d in decide(list(order), [], Rules(0.5, 0.8)))
        expected = expected or got
        assert got == expected
    assert dict(expected) == {"orig": None, "copy1": "orig", "copy2": "orig", "other": None}


def test_copy_of_a_copy_links_to_the_original() -> None:
    base = SEEDS["002_7555e2088863e2c3"]
    stored = [cand("orig", base, 1), Candidate("copy1", fingerprint(base + " x"), None, "orig")]
    out = decide([cand("copy2", base + " x y", 5)], stored, Rules(0.5, 0.8))
    assert out[0].duplicate_of == "orig"


def test_same_canonical_url_links_an_updated_version() -> None:
    base = SEEDS["000_6a9ea2563cee9e0e"]
    paras = base.split("\n")
    updated = "\n".join([*paras[: len(paras) // 2], "Update: talks resumed on Friday.", *paras[-2:]])
    stored = [Candidate("orig", fingerprint(base), None, None, "key-1")]
    same = decide(
        [Candidate("upd", fingerprint(updated), None, None, "key-1")], stored, Rules(0.9, 1.01)
    )  # near and containment rules off
    other = decide(
        [Candidate("upd", fingerprint(updated), None, None, "key-2")], stored, Rules(0.9, 1.01)
    )  # near and containment rules off
    assert (same[0].duplicate_of, same[0].method) == ("orig", "url")
    assert other[0].duplicate_of is None


def test_wrong_canonical_link_does_not_merge_different_texts() -> None:
    stored = [Candidate("a", fingerprint(SEEDS["000_6a9ea2563cee9e0e"]), None, None, "home")]
    out = decide(
        [Candidate("b", fingerprint(SEEDS["001_b88dda9725e6f7e2"]), None, None, "home")],
        stored,
        Rules(0.5, 0.8),
    )
    assert out[0].duplicate_of is None


def test_the_trail_names_each_pair_compared_and_the_bar_it_had_to_clear() -> None:
    base = SEEDS["002_7555e2088863e2c3"]
    teaser = "\n".join(base.split("\n")[:3])  # a quarter of the article
    stored = [cand("orig", base), cand("other", SEEDS["004_a917bd5c1d015acc"])]
    d = decide([cand("teaser", teaser, 2)], stored, Rules(0.35, 0.8))[0]
    assert d.duplicate_of == "orig" and d.method == "containment"
    accepted = [p for p in d.pairs if p.accepted]
    assert [(p.candidate_id, p.method, p.threshold) for p in accepted] == [("orig", "containment", 0.8)]
    assert accepted[0].score == d.similarity and d.similarity >= 0.8
    lone = decide([cand("new", SEEDS["001_b88dda9725e6f7e2"], 2)], stored, Rules(0.35, 0.8))[0]
    assert lone.duplicate_of is None and not any(p.accepted for p in lone.pairs)


def test_a_pair_marked_distinct_is_never_merged_and_a_forced_link_is_kept() -> None:
    base = SEEDS["003_93d7f405470a9551"]
    stored = [cand("orig", base)]
    copy = cand("copy", base + "\nRepublished with permission.", 2)
    split = Rules(0.35, 0.8, Overrides(distinct=frozenset({frozenset(("copy", "orig"))})))
    assert decide([copy], stored, split)[0].duplicate_of is None
    forced = Rules(0.35, 0.8, Overrides(merged={"other": "orig"}))
    d = decide([cand("other", SEEDS["004_a917bd5c1d015acc"], 2)], stored, forced)[0]
    assert (d.duplicate_of, d.method) == ("orig", "override")


def test_a_copy_published_before_the_stored_original_takes_its_place() -> None:
    base = SEEDS["003_93d7f405470a9551"]
    stored = [cand("late-original", base, 9), Candidate("copy-of-it", fingerprint(base + " More."), None,
                                                         "late-original")]  # fmt: skip
    early = cand("early", "Analysis\n" + base, 2)
    later = cand("later", base + "\nRepublished.", 5)
    for order in ([early, later], [later, early]):
        out = {d.article_id: d for d in decide(order, stored, Rules(0.35, 0.8))}
        assert (out["early"].duplicate_of, out["early"].supersedes) == (None, "late-original")
        assert out["early"].method in ("near", "containment") and out["early"].similarity
        assert out["later"].duplicate_of == "early"  # the story's new original, in the same batch


def test_the_seed_corpus_stays_the_reference_original() -> None:
    base = SEEDS["003_93d7f405470a9551"]
    stored = [Candidate("seed:003", fingerprint(base), datetime(2026, 1, 9, tzinfo=UTC))]
    d = decide([cand("early", "Analysis\n" + base, 2)], stored, Rules(0.35, 0.8))[0]
    assert (d.duplicate_of, d.supersedes) == ("seed:003", None)
