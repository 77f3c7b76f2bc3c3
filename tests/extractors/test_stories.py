"""The story relation on real captured pairs of the dev split (bench/corpus/stories.jsonl), and its parts.

The gate is the blind corpus (`make bench-stories`, docs/benchmarks.md); these pin behaviour and traps.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import pytest

from extractors.dedup import fingerprint
from extractors.stories import (
    BUCKETS,
    Signature,
    TermStats,
    aligned_weight,
    anchors,
    index_keys,
    relate,
    signature,
)
from extractors.tagging import Matcher
from tests.conftest import ROOT


def _dev_members() -> dict[str, list[dict]]:
    from bench.stories import strip_marker

    files = {}
    for line in (ROOT / "bench/corpus/stories.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["split"] == "dev":
            files[rec["id"]] = [dict(m, text=strip_marker(m["text"])) for m in rec["members"]]
    return files


@pytest.fixture(scope="module")
def dev(matcher: Matcher) -> tuple[dict[str, list[Signature]], TermStats]:
    files = _dev_members()
    sigs = {
        fid: [signature(m["text"], m["language"], matcher.hits(m["text"]), fingerprint=fingerprint(m["text"]))
              for m in members]
        for fid, members in files.items()
    }  # fmt: skip
    return sigs, TermStats.of(s for group in sigs.values() for s in group)


def test_translation_keeps_names_and_numbers_in_order(matcher: Matcher) -> None:
    uk = "Віткофф поїде до Женеви і зустрінеться з Умєровим. Обмін 314 полоненими."
    ru = "Уиткофф поедет в Женеву и встретится с Умеровым. Обмен 314 пленными."
    a, b = anchors(uk, matcher.hits(uk)), anchors(ru, matcher.hits(ru))
    assert a == b
    assert [x for x in a if x.startswith(("a:", "n:"))] == ["a:steve-witkoff", "a:rustem-umerov", "n:314"]
    assert "p:zhene" in a  # Женеви / Женеву: one transliterated prefix


def test_first_word_of_a_sentence_is_not_a_proper_noun(matcher: Matcher) -> None:
    text = "Talks ended. Negotiators met in Geneva."
    assert anchors(text, matcher.hits(text)) == ("p:genev",)


def test_aligned_weight_counts_order() -> None:
    w = {"a": 1.0, "b": 2.0, "c": 4.0}
    assert aligned_weight("abc", "abc", w) == 7.0
    assert aligned_weight("abc", "cba", w) == 4.0  # only one of them can be kept in order
    assert aligned_weight("abxc", "yabc", w) == 7.0
    assert aligned_weight("", "abc", w) == 0.0


def test_term_stats_memory_is_fixed_and_rare_terms_weigh_more() -> None:
    sig = Signature("en", ("a:donald-trump", "p:genev"), ("geneva",))
    common = Signature("en", ("a:donald-trump",), ())
    stats = TermStats.of([sig, *[common] * 9])
    assert stats.df.shape == (BUCKETS,)
    assert stats.idf("p:genev") > stats.idf("a:donald-trump")


def test_agency_editions_in_two_languages_are_one_item(
    dev: tuple[dict[str, list[Signature]], TermStats],
) -> None:
    sigs, stats = dev
    uk, ru = sigs["1:G001"][0], sigs["1:G001"][1]  # RBC-Ukraine's Ukrainian and Russian editions
    got = relate(uk, ru, stats)
    assert got.kind == "translation"
    assert got.score >= got.threshold
    assert {"anchor_jaccard", "anchor_shared", "anchor_order"} <= set(got.signals)


def test_reprint_is_a_copy(dev: tuple[dict[str, list[Signature]], TermStats]) -> None:
    sigs, stats = dev
    assert (
        relate(sigs["1:G001"][0], sigs["1:G001"][2], stats).kind == "copy"
    )  # Shosistalo reprints RBC-Ukraine


def test_spun_rewrite_of_a_wire_story(dev: tuple[dict[str, list[Signature]], TermStats]) -> None:
    sigs, stats = dev
    spun = relate(sigs["1:G002"][0], sigs["1:G002"][2], stats)  # AP story and a content farm's re-wording
    assert spun.kind == "rewrite"
    assert spun.signals["stem_share"] >= spun.threshold
    # Another farm's spin of the same story keeps so many words that it is still today's copy.
    assert relate(sigs["1:G002"][0], sigs["1:G002"][1], stats).kind == "copy"


def test_retelling_of_an_agency_item(dev: tuple[dict[str, list[Signature]], TermStats]) -> None:
    sigs, stats = dev
    got = relate(sigs["1:G001"][0], sigs["1:G001"][4], stats)  # RBC-Ukraine and Yevropeiska Pravda, one item
    assert got.kind == "rewrite"


def test_independent_reports_naming_the_same_rare_place_stay_apart(
    dev: tuple[dict[str, list[Signature]], TermStats],
) -> None:
    """Trap: two Italian reports of the Alaska summit both name 'Joint Base Elmendorf-Richardson,
    Anchorage'; their anchors align, their words do not."""
    sigs, stats = dev
    got = relate(sigs["1:E015"][1], sigs["1:E015"][3], stats)
    assert not got.same_item
    assert got.kind == "same_event"


def test_relation_is_symmetric(dev: tuple[dict[str, list[Signature]], TermStats]) -> None:
    sigs, stats = dev
    for fid in ("1:G001", "1:G007", "1:E001", "1:E015"):
        group = sigs[fid]
        for a in group:
            for b in group:
                assert relate(a, b, stats).kind == relate(b, a, stats).kind


def test_published_far_apart_is_never_one_item(dev: tuple[dict[str, list[Signature]], TermStats]) -> None:
    sigs, stats = dev
    from dataclasses import replace

    day = datetime(2026, 2, 24)
    a = replace(sigs["1:G001"][0], fingerprint=None, published=day)
    b = replace(sigs["1:G001"][1], fingerprint=None, published=day + timedelta(days=10))
    got = relate(a, b, stats)
    assert got.kind == "unrelated"
    assert got.signals["days_apart"] == 10


def test_index_keys_are_signed_32_bit_and_shared_by_translations(
    dev: tuple[dict[str, list[Signature]], TermStats],
) -> None:
    sigs, stats = dev
    uk, ru = sigs["1:G001"][0], sigs["1:G001"][1]
    keys = index_keys(uk, stats)
    assert keys == index_keys(uk, stats)
    assert all(-(2**31) <= k < 2**31 for k in keys)
    assert set(keys) & set(index_keys(ru, stats))
    assert len(keys) <= 8 + 8 + 10


def test_no_text_no_relation() -> None:
    empty = Signature("en", (), ())
    got = relate(empty, empty, TermStats())
    assert got.kind == "unrelated"
    assert np.isfinite(got.score)
