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

Protocol: tune on dev (the default); ``--blind`` scores the blind split and prints aggregates only,
never a pair. Every method's first blind score is recorded in docs/benchmarks.md.
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
from extractors.stories import SAME_ITEM, Relation, Rules, Signature, TermStats, index_keys, relate, signature
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


def sign(docs: list[Doc], matcher: Matcher) -> dict[str, Signature]:
    return {d.url: signature(d.text, d.language, matcher.hits(d.text), fingerprint=fingerprint(d.text),
                             published=d.published, host=urlsplit(d.url).hostname)
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
    background_fp: int = 0

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
                     stats: TermStats, decide: Decide, show: bool) -> list[str]:  # fmt: skip
    shown = []
    for a, b in background_pairs(members, background):
        s.background_pairs += 1
        got = decide(sigs[a.url], sigs[b.url], stats)
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


def cost(docs: list[Doc], matcher: Matcher, repeat: int = 3) -> dict[str, float]:
    """ms per article: the story stage alone (hits and fingerprint given, as the ingest has them),
    and with the Matcher's hits and the copy fingerprint included."""
    pre = [(d, matcher.hits(d.text), fingerprint(d.text)) for d in docs]
    best_stage = best_all = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for d, hits, fp in pre:
            signature(d.text, d.language, hits, fingerprint=fp)
        best_stage = min(best_stage, time.perf_counter() - t)
        t = time.perf_counter()
        for d in docs:
            signature(d.text, d.language, matcher.hits(d.text), fingerprint=fingerprint(d.text))
        best_all = min(best_all, time.perf_counter() - t)
    return {
        "stage_ms": 1000 * best_stage / len(docs),
        "with_hits_and_fingerprint_ms": 1000 * best_all / len(docs),
    }


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
    data: dict[bool, tuple[list[list[float]], list[float]]] = {True: ([], []), False: ([], [])}
    for a, b in itertools.combinations(members, 2):
        want = expected(a, b, kinds)
        s = relate(sigs[a.url], sigs[b.url], stats).signals
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
        got = relate(a, b, st)
        if got.kind == "copy" or "anchor_jaccard" not in got.signals:
            return got
        same = a.language == b.language
        w, t = models[same]
        z = float(w[0] + np.dot(w[1:], _features(got.signals, same)))
        if z >= t:
            return Relation("rewrite" if same else "translation", z, t, got.signals)
        kind = "same_event" if got.signals["anchor_jaccard"] >= Rules().event_jaccard else "unrelated"
        return Relation(kind, z, t, got.signals)

    return decide


METHODS: dict[str, Callable[[], Decide]] = {
    "copies-only": lambda: _copies_only,
    "anchors-only": lambda: _rules_decide(replace(Rules(), rewrite_mass=float("inf"))),
    "stories-v1": lambda: _rules_decide(Rules()),
    "learned": _learned,
}


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


def run(split: str, method: str, show: bool, background: bool = True) -> Scores:
    matcher = Matcher(load_taxonomy(load_settings().taxonomy))
    members, kinds, bg = load(split)
    sigs = sign(members + bg, matcher)
    stats = TermStats.of(sigs.values())
    decide = METHODS[method]()
    s = score_pairs(members, kinds, sigs, stats, decide)
    shown = score_background(s, members, bg, sigs, stats, decide, show) if background else []
    print(f"method {method}, split {split}: {len(members)} story members in {len(kinds)} files, "
          f"{len(bg)} background texts")  # fmt: skip
    print_scores(s, split)
    for line in shown[:40]:
        print(line)
    cr = candidate_recall(members, kinds, bg, sigs, stats, decide)
    print("index keys: " + ", ".join(f"{k} {v:.3f}" for k, v in cr.items()))
    c = cost(members + bg, matcher)
    print("cost: " + ", ".join(f"{k} {v:.3f}" for k, v in c.items())
          + f", relate {relate_cost(list(sigs.values()), stats, decide):.0f} µs/pair")  # fmt: skip
    return s


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--method", choices=sorted(METHODS), default="stories-v1")
    parser.add_argument("--blind", action="store_true", help="score the blind split (aggregates only)")
    parser.add_argument("--no-background", action="store_true", help="skip the background pairs (faster)")
    args = parser.parse_args()
    run("blind" if args.blind else "dev", args.method, show=not args.blind, background=not args.no_background)


if __name__ == "__main__":
    main()
