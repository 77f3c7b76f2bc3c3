"""`make bench-stories`: the story relation (extractors/stories.py) on real same-item groups and events.

Data: bench/corpus/stories.jsonl (same-item groups and events, split dev/blind by URL hash) and
bench/corpus/labels.jsonl (different items: the background a warehouse holds). Each excerpt's store
marker (" date 2025-12-27 ", which a real page's text would not contain) is stripped first.

For one split: every pair of story members is decided — pairs inside a group are the same item (the
expected kind from the members' relations and languages), pairs inside an event must stay apart,
pairs across files are different items. Then every pair of (story member or background text) x
background text of the split: any same-item decision there is a false positive at scale. Term
statistics (IDF) are the split's own texts, as a warehouse's are the articles it holds; no label is
used for them.

On dev, background pairs read by hand as versions of one item (bench/corpus/background_versions.json)
are counted apart ("versions found"), not as false positives; blind has no such list.

Methods (``--method``, default the shipped one, ``Rules()``): the first round's (stories-v1 and its
references) and the second round's, each at the precision-first operating point that ``--sweep`` finds
on dev (the highest same-item recall at precision >= 0.97).

Protocol: tune on dev (the default); ``--blind`` scores the blind split and prints aggregates only,
never a pair (``--sweep`` is refused there). Every method's first blind score is recorded in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from extractors.dedup import fingerprint
from extractors.stories import (
    SAME_ITEM,
    Relation,
    Rules,
    Signature,
    TermStats,
    clear_lemma_cache,
    index_keys,
    margin,
    relate,
    signature,
)
from extractors.tagging import Matcher
from extractors.taxonomy import load_taxonomy
from peacewire.settings import PROJECT_ROOT, load_settings

CORPUS = PROJECT_ROOT / "bench" / "corpus"
STORE_MARKER = re.compile(r"^\s*date \d{4}-\d{2}(-\d{2})?\s*")
Decide = Callable[[Signature, Signature, TermStats], Relation]


@dataclass(frozen=True)
class Doc:
    file: str  # the stories file id, or 'bg:<id>' for a background text
    url: str
    language: str
    relation: str  # source | copy | translation | rewrite | update | independent | background
    published: datetime | None
    text: str


def strip_marker(text: str) -> str:
    return STORE_MARKER.sub("", text, count=1)


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10])
    except ValueError:
        return None


def load(split: str, corpus: Path = CORPUS) -> tuple[list[Doc], dict[str, str], list[Doc]]:
    """Story members, each file's kind, and the background texts of one split."""
    members, kinds = [], {}
    for line in (corpus / "stories.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["split"] != split:
            continue
        kinds[rec["id"]] = rec["kind"]
        members += [Doc(rec["id"], m["url"], m["language"], m["relation"], _when(m.get("published")),
                        strip_marker(m["text"])) for m in rec["members"]]  # fmt: skip
    urls = {m.url for m in members}
    background = [Doc(f"bg:{r['id']}", r["url"], r["language"], "background", _when(r.get("published")),
                      strip_marker(r["text"]))
                  for r in map(json.loads, (corpus / "labels.jsonl").read_text(encoding="utf-8").splitlines())
                  if r["split"] == split and r["url"] not in urls]  # fmt: skip
    return members, kinds, background


def load_versions(split: str, corpus: Path = CORPUS) -> set[frozenset[str]]:
    """Pairs of background texts (or a story member and a background text) that are versions of one
    item, read by hand (bench/corpus/background_versions.json; dev only)."""
    path = corpus / "background_versions.json"
    if not path.exists():
        return set()
    data = json.loads(path.read_text(encoding="utf-8"))
    if data["split"] != split:
        return set()
    return {frozenset(p) for v in data["sets"] for p in itertools.combinations(v["urls"], 2)}


def expected(a: Doc, b: Doc, kinds: dict[str, str]) -> str:
    """The relation a pair should get: same_event inside an event file, unrelated across files."""
    if a.file != b.file:
        return "unrelated"
    if kinds[a.file] == "event":
        return "same_event"
    if a.language != b.language:
        return "translation"
    rels = {a.relation, b.relation}
    if rels <= {"source", "copy"}:
        return "copy"
    return "update" if "update" in rels else "rewrite"


def sign(docs: list[Doc], matcher: Matcher, lemmas: bool = False) -> dict[str, Signature]:
    return {d.url: signature(d.text, d.language, matcher.hits(d.text), fingerprint=fingerprint(d.text),
                             published=d.published, host=urlsplit(d.url).hostname, lemmas=lemmas)
            for d in docs}  # fmt: skip


def lang_pair(a: Doc, b: Doc) -> str:
    return "-".join(sorted((a.language, b.language)))


@dataclass
class Scores:
    pairs: Counter[str]  # expected kind -> pairs
    found: Counter[str]  # expected kind -> decided same item
    right_kind: Counter[str]  # expected kind -> decided that kind
    by_lang: dict[str, Counter[str]]  # language pair -> n / found (same-item pairs), events / merged
    background_pairs: int = 0
    background_fp: int = 0  # same-item decisions on background pairs not known to be versions
    versions: int = 0  # background pairs known to be versions of one item (dev only)
    versions_found: int = 0

    def precision(self) -> float:
        tp = sum(self.found[k] for k in ("copy", "translation", "rewrite", "update"))
        fp = self.found["same_event"] + self.found["unrelated"]
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self) -> float:
        pos = [k for k in ("copy", "translation", "rewrite", "update")]
        n = sum(self.pairs[k] for k in pos)
        return sum(self.found[k] for k in pos) / n if n else 0.0


def score_pairs(members: list[Doc], kinds: dict[str, str], sigs: dict[str, Signature], stats: TermStats,
                decide: Decide) -> Scores:  # fmt: skip
    s = Scores(Counter(), Counter(), Counter(), defaultdict(Counter))
    for a, b in itertools.combinations(members, 2):
        want = expected(a, b, kinds)
        got = decide(sigs[a.url], sigs[b.url], stats)
        s.pairs[want] += 1
        s.found[want] += got.same_item
        s.right_kind[want] += got.kind == want or (want == "unrelated" and not got.same_item)
        if want in ("same_event", "unrelated"):
            if want == "same_event":
                s.by_lang[lang_pair(a, b)]["events"] += 1
                s.by_lang[lang_pair(a, b)]["merged"] += got.same_item
            continue
        s.by_lang[lang_pair(a, b)]["n"] += 1
        s.by_lang[lang_pair(a, b)]["found"] += got.same_item
    return s


def background_pairs(members: list[Doc], background: list[Doc]) -> Iterator[tuple[Doc, Doc]]:
    for i, b in enumerate(background):
        for a in members:
            yield a, b
        for a in background[i + 1 :]:
            yield a, b


def score_background(s: Scores, members: list[Doc], background: list[Doc], sigs: dict[str, Signature],
                     stats: TermStats, decide: Decide, show: bool,
                     versions: set[frozenset[str]]) -> list[str]:  # fmt: skip
    shown = []
    for a, b in background_pairs(members, background):
        got = decide(sigs[a.url], sigs[b.url], stats)
        if frozenset((a.url, b.url)) in versions:
            s.versions += 1
            s.versions_found += got.same_item
            continue
        s.background_pairs += 1
        if got.same_item:
            s.background_fp += 1
            if show:
                shown.append(f"  {got.kind} {got.score:.2f} {a.url} | {b.url}")
    return shown


def candidate_recall(members: list[Doc], kinds: dict[str, str], background: list[Doc],
                     sigs: dict[str, Signature], stats: TermStats,
                     decide: Decide) -> dict[str, float]:  # fmt: skip
    """Share of same-item pairs (all, and those relate() accepts) sharing an index key; candidates
    per article (articles sharing a key) in the split; the longest key list as a share of the split."""
    keys = {url: set(index_keys(sig, stats)) for url, sig in sigs.items()}
    holders: dict[int, list[str]] = defaultdict(list)
    for url, ks in keys.items():
        for k in ks:
            holders[k].append(url)
    pos = [(a, b) for a, b in itertools.combinations(members, 2)
           if expected(a, b, kinds) not in ("same_event", "unrelated")]  # fmt: skip
    shared = [len(keys[a.url] & keys[b.url]) for a, b in pos]
    accepted = [
        len(keys[a.url] & keys[b.url]) for a, b in pos if decide(sigs[a.url], sigs[b.url], stats).same_item
    ]
    out = {
        "keys_per_article": sum(map(len, keys.values())) / len(keys),
        "longest_list_share": max(map(len, holders.values())) / len(keys),
    }
    for need in (1, 2):
        per_doc = [
            Counter(o for k in keys[d.url] for o in holders[k] if o != d.url) for d in members + background
        ]
        cands = sorted(sum(1 for n in c.values() if n >= need) for c in per_doc)
        out |= {
            f"recall_all_{need}key": sum(n >= need for n in shared) / len(shared),
            f"recall_accepted_{need}key": sum(n >= need for n in accepted) / max(len(accepted), 1),
            f"candidates_{need}key_mean": sum(cands) / len(cands),
            f"candidates_{need}key_p95": cands[int(0.95 * len(cands))],
        }
    return out


def cost(docs: list[Doc], matcher: Matcher, repeat: int = 3, lemmas: bool = False) -> dict[str, float]:
    """ms per article: the story stage alone (hits and fingerprint given, as the ingest has them),
    and with the Matcher's hits and the copy fingerprint included. With lemmas, simplemma's
    dictionaries are loaded before (once per process) and its word cache is cleared before each
    pass, so a pass pays for every lemma."""
    pre = [(d, matcher.hits(d.text), fingerprint(d.text)) for d in docs]
    best_stage = best_all = float("inf")
    for _ in range(repeat):
        _clear_lemma_cache(lemmas)
        t = time.perf_counter()
        for d, hits, fp in pre:
            signature(d.text, d.language, hits, fingerprint=fp, lemmas=lemmas)
        best_stage = min(best_stage, time.perf_counter() - t)
        _clear_lemma_cache(lemmas)
        t = time.perf_counter()
        for d in docs:
            signature(
                d.text, d.language, matcher.hits(d.text), fingerprint=fingerprint(d.text), lemmas=lemmas
            )
        best_all = min(best_all, time.perf_counter() - t)
    return {
        "stage_ms": 1000 * best_stage / len(docs),
        "with_hits_and_fingerprint_ms": 1000 * best_all / len(docs),
    }


def _clear_lemma_cache(lemmas: bool) -> None:
    if lemmas:
        clear_lemma_cache()


def relate_cost(sigs: list[Signature], stats: TermStats, decide: Decide, pairs: int = 3000) -> float:
    """µs per relate() call over consecutive pairs."""
    chosen = [(sigs[i % len(sigs)], sigs[(i * 7 + 1) % len(sigs)]) for i in range(pairs)]
    t = time.perf_counter()
    for a, b in chosen:
        decide(a, b, stats)
    return 1e6 * (time.perf_counter() - t) / pairs


def _rules_decide(rules: Rules) -> Decide:
    return lambda a, b, stats: relate(a, b, stats, rules)


def _copies_only(a: Signature, b: Signature, stats: TermStats) -> Relation:
    """Today's copy test alone (the reference: what the ingest finds now)."""
    got = relate(a, b, stats)
    return got if got.kind == "copy" else Relation("unrelated", 0.0, 0.0, got.signals)


def _features(s: dict[str, float], same: bool) -> list[float]:
    out = [s["anchor_jaccard"], s["anchor_order"], math.log1p(s["anchor_shared"])]
    return [*out, s["stem_share"], math.log1p(s["stem_aligned"])] if same else out


def _fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> np.ndarray:
    """Class-balanced L2 logistic regression by Newton steps (numpy only)."""
    x = np.c_[np.ones(len(x)), x]
    weight = np.where(y == 1, (y == 0).sum() / max((y == 1).sum(), 1), 1.0)
    w = np.zeros(x.shape[1])
    ridge = l2 * np.diag(np.r_[0.0, np.ones(x.shape[1] - 1)])
    for _ in range(30):
        p = 1 / (1 + np.exp(-x @ w))
        grad = x.T @ (weight * (p - y)) + ridge @ w
        w -= np.linalg.solve((x.T * (weight * p * (1 - p))) @ x + ridge, grad)
    return w


def _best_threshold(z: np.ndarray, y: np.ndarray) -> float:
    """The score threshold of the best F1 on the training pairs."""

    def f1(t: float) -> float:
        tp, fp, fn = ((z >= t) & (y == 1)).sum(), ((z >= t) & (y == 0)).sum(), ((z < t) & (y == 1)).sum()
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    return max(sorted(set(z.tolist())), key=f1)


def _learned() -> Decide:
    """Logistic regression on the dev pairs' signals (one model per same / different language),
    after today's copy test; fitted on dev whatever split is scored."""
    matcher = Matcher(load_taxonomy(load_settings().taxonomy))
    members, kinds, bg = load("dev")
    sigs = sign(members + bg, matcher)
    stats = TermStats.of(sigs.values())
    v1 = Rules.v1()
    data: dict[bool, tuple[list[list[float]], list[float]]] = {True: ([], []), False: ([], [])}
    for a, b in itertools.combinations(members, 2):
        want = expected(a, b, kinds)
        s = relate(sigs[a.url], sigs[b.url], stats, v1).signals
        if "anchor_jaccard" not in s or (want == "unrelated" and s["anchor_jaccard"] < 0.05):
            continue
        same = a.language == b.language
        data[same][0].append(_features(s, same))
        data[same][1].append(float(want in SAME_ITEM))
    models = {}
    for same, (xs, ys) in data.items():
        x, y = np.array(xs), np.array(ys)
        w = _fit(x, y)
        models[same] = (w, _best_threshold(np.c_[np.ones(len(x)), x] @ w, y))

    def decide(a: Signature, b: Signature, st: TermStats) -> Relation:
        got = relate(a, b, st, v1)
        if got.kind == "copy" or "anchor_jaccard" not in got.signals:
            return got
        same = a.language == b.language
        w, t = models[same]
        z = float(w[0] + np.dot(w[1:], _features(got.signals, same)))
        if z >= t:
            return Relation("rewrite" if same else "translation", z, t, got.signals)
        kind = "same_event" if got.signals["anchor_jaccard"] >= v1.event_jaccard else "unrelated"
        return Relation(kind, z, t, got.signals)

    return decide


@dataclass(frozen=True)
class Method:
    """A way to decide pairs: a rule set of extractors.stories (or a custom decide) and the signature."""

    rules: Rules | None = None
    decide: Callable[[], Decide] | None = None
    lemmas: bool = False  # stems from simplemma lemmas in uk, ru, pl, de

    def make(self) -> Decide:
        if self.decide is not None:
            return self.decide()
        return _rules_decide(self.rules or Rules())


V1 = Rules.v1()
QUOTES = replace(V1, prose=True)
METHODS: dict[str, Method] = {
    "copies-only": Method(decide=lambda: _copies_only),
    "anchors-only": Method(replace(V1, rewrite_mass=float("inf"))),
    "stories-v1": Method(V1),
    "learned": Method(decide=_learned),
    # Issue 15, second round: each at the precision-first operating point of the dev sweep (--sweep).
    "v1-p97": Method(replace(V1, same_margin=1.743, cross_margin=1.023)),
    "quotes-p97": Method(replace(QUOTES, same_margin=1.293, cross_margin=0.996)),
    "quotes-plain-p97": Method(replace(QUOTES, plain=True, same_margin=0.842, cross_margin=0.996)),
    "sources-p97": Method(replace(QUOTES, source_boost=1.4, same_margin=1.257, cross_margin=1.111)),
    "lemmas-p97": Method(replace(V1, same_margin=1.614, cross_margin=1.019), lemmas=True),
    "lead-p97": Method(replace(QUOTES, lead=True, same_margin=1.195, cross_margin=0.996)),
}
SHIPPED = "sources-p97"  # = Rules(): what relate() decides by default


def _margins(pairs: Iterator[tuple[Doc, Doc]], sigs: dict[str, Signature], stats: TermStats,
             rules: Rules) -> Iterator[tuple[bool, float]]:  # fmt: skip
    """(same language, margin) of each pair under ``rules`` whatever its bars: inf for a copy, -inf
    outside the publication window."""
    probe = replace(rules, same_margin=math.inf, cross_margin=math.inf)
    for a, b in pairs:
        got = relate(sigs[a.url], sigs[b.url], stats, probe)
        same = a.language == b.language
        if got.kind == "copy":
            yield same, math.inf
        elif got.signals.get("days_apart", 0.0) > rules.window_days:
            yield same, -math.inf
        else:
            yield same, margin(got.signals, same, rules)


def _cut(values: np.ndarray, edge: float) -> float:
    """Half-way between the lowest accepted margin and the highest one below it."""
    below = values[values < edge]
    return float((edge + below.max()) / 2) if len(below) and np.isfinite(edge) else edge


def sweep(members: list[Doc], kinds: dict[str, str], bg: list[Doc], sigs: dict[str, Signature],
          stats: TermStats, rules: Rules, versions: set[frozenset[str]],
          target: float = 0.97) -> dict[str, float]:  # fmt: skip
    """The precision-first operating point on this split: the margins (same language, across languages)
    with the highest same-item recall at precision >= target over the story pairs; ties go to fewer
    false positives, then fewer background false positives (known versions aside)."""
    pairs = list(itertools.combinations(members, 2))
    want = [expected(a, b, kinds) for a, b in pairs]
    story = np.array(list(_margins(iter(pairs), sigs, stats, rules)))
    pos = np.array([w not in ("same_event", "unrelated") for w in want])
    bgp = list(background_pairs(members, bg))
    bgm = np.array(list(_margins(iter(bgp), sigs, stats, rules)))
    known = np.array([frozenset((a.url, b.url)) in versions for a, b in bgp])
    best: tuple[int, int, int, float, float] = (-1, 0, 0, math.inf, math.inf)
    same = story[:, 0] == 1
    for ts in sorted({*story[pos & same, 1].tolist(), math.inf}):
        for tc in sorted({*story[pos & ~same, 1].tolist(), math.inf}):
            hit = np.where(same, story[:, 1] >= ts, story[:, 1] >= tc)
            tp, fp = int((hit & pos).sum()), int((hit & ~pos).sum())
            bhit = np.where(bgm[:, 0] == 1, bgm[:, 1] >= ts, bgm[:, 1] >= tc)
            bfp = int((bhit & ~known).sum())
            if tp / max(tp + fp, 1) >= target and (tp, -fp, -bfp) > (best[0], -best[1], -best[2]):
                best = (tp, fp, bfp, ts, tc)
    tp, fp, bfp, ts, tc = best
    return {"recall": tp / int(pos.sum()), "tp": tp, "fp": fp, "background_fp": bfp, "same_edge": ts,
            "cross_edge": tc, "same_margin": _cut(story[same, 1], ts),
            "cross_margin": _cut(story[~same, 1], tc)}  # fmt: skip


def print_scores(s: Scores, split: str) -> None:
    print(
        f"\n{split}: same item precision {s.precision():.3f}  recall {s.recall():.3f}  (targets 0.97 / 0.90)"
    )
    print(f"{'expected':12s} {'pairs':>5s} {'same item':>9s} {'right kind':>10s}")
    for kind in ("copy", "translation", "rewrite", "update", "same_event", "unrelated"):
        n = s.pairs[kind]
        if n:
            print(f"{kind:12s} {n:5d} {s.found[kind]:9d} {s.right_kind[kind]:10d}")
    ev = s.pairs["same_event"]
    kept = 1 - s.found["same_event"] / ev if ev else 1.0
    print(f"independent reports kept apart: {kept:.3f} of {ev} pairs (target 0.97)")
    print(f"{'languages':10s} {'same-item':>9s} {'found':>5s} {'events':>6s} {'merged':>6s}")
    for lp in sorted(s.by_lang):
        c = s.by_lang[lp]
        print(f"{lp:10s} {c['n']:9d} {c['found']:5d} {c['events']:6d} {c['merged']:6d}")
    if s.background_pairs:
        rate = s.background_fp / s.background_pairs
        print(f"background: {s.background_fp} same-item decisions in {s.background_pairs} pairs "
              f"(false-positive rate {rate:.2e})")  # fmt: skip
    if s.versions:
        print(f"background versions of one item (bench/corpus/background_versions.json): "
              f"{s.versions_found} of {s.versions} pairs found")  # fmt: skip
    else:
        print("background: no pairs reviewed as versions of one item (same-item pairs among them count "
              "as false positives)")  # fmt: skip


def run(split: str, method: str, show: bool, background: bool = True, do_sweep: bool = False) -> Scores:
    matcher = Matcher(load_taxonomy(load_settings().taxonomy))
    members, kinds, bg = load(split)
    chosen = METHODS[method]
    sigs = sign(members + bg, matcher, lemmas=chosen.lemmas)
    stats = TermStats.of(sigs.values())
    versions = load_versions(split)
    decide = chosen.make()
    s = score_pairs(members, kinds, sigs, stats, decide)
    shown = score_background(s, members, bg, sigs, stats, decide, show, versions) if background else []
    print(f"method {method}, split {split}: {len(members)} story members in {len(kinds)} files, "
          f"{len(bg)} background texts")  # fmt: skip
    print_scores(s, split)
    for line in shown[:40]:
        print(line)
    if do_sweep and chosen.rules is not None:
        got = sweep(members, kinds, bg, sigs, stats, chosen.rules, versions)
        print("precision-first sweep (P >= 0.97): " + ", ".join(f"{k} {v:.3f}" for k, v in got.items()))
    cr = candidate_recall(members, kinds, bg, sigs, stats, decide)
    print("index keys: " + ", ".join(f"{k} {v:.3f}" for k, v in cr.items()))
    c = cost(members + bg, matcher, lemmas=chosen.lemmas)
    print("cost: " + ", ".join(f"{k} {v:.3f}" for k, v in c.items())
          + f", relate {relate_cost(list(sigs.values()), stats, decide):.0f} µs/pair")  # fmt: skip
    return s


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--method", choices=sorted(METHODS), default=SHIPPED)
    parser.add_argument("--blind", action="store_true", help="score the blind split (aggregates only)")
    parser.add_argument("--no-background", action="store_true", help="skip the background pairs (faster)")
    parser.add_argument("--sweep", action="store_true", help="dev only: the precision-first operating point")
    args = parser.parse_args()
    if args.blind and args.sweep:
        parser.error("--sweep tunes: dev only")
    run("blind" if args.blind else "dev", args.method, show=not args.blind,
        background=not args.no_background, do_sweep=args.sweep)  # fmt: skip


if __name__ == "__main__":
    main()
